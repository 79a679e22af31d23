package policies

import "sort"

// AllocatorNames returns the registered allocator names, sorted.
func AllocatorNames() []string { return sortedNames(allocators) }

// BehaviorNames returns the registered framework behaviour names, sorted.
func BehaviorNames() []string { return sortedNames(behaviors) }

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
