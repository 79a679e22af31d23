package model

import "sort"

// sortedKeys returns a map's keys in ascending order, so that map order
// never leaks into behaviour.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sortViews sorts task views by framework, then task.
func sortViews(v []TaskView) {
	sort.Slice(v, func(i, j int) bool {
		if v[i].Framework != v[j].Framework {
			return v[i].Framework < v[j].Framework
		}
		return v[i].Task < v[j].Task
	})
}
