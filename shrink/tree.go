package shrink

import (
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/mesosim/mesosim/internal/yamlnode"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// The reductions work on the YAML tree of an explicit scenario. A ref
// names an item of one of the lists faults are written in; refs stay
// valid in a clone of the tree.

// Lists of the tree the fault refs point into.
const (
	secNetwork    = "network"    // faults.network
	secPartitions = "partitions" // faults.partitions
	secTimeline   = "timeline"   // timeline
)

type ref struct {
	sec string
	i   int
}

// list returns the sequence node of sec (nil when absent).
func list(root *yaml.Node, sec string) *yaml.Node {
	var n *yaml.Node
	if sec == secTimeline {
		n = yamlnode.Get(root, secTimeline)
	} else {
		n = yamlnode.Get(yamlnode.Get(root, "faults"), sec)
	}
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n
}

// items returns the entries of sec.
func items(root *yaml.Node, sec string) []*yaml.Node {
	if n := list(root, sec); n != nil {
		return n.Content
	}
	return nil
}

// remove deletes the entries refs name (of any lists).
func remove(root *yaml.Node, refs []ref) {
	rs := slices.Clone(refs)
	slices.SortFunc(rs, func(a, b ref) int {
		if c := strings.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		return b.i - a.i // from the back, so that indices stay valid
	})
	rs = slices.Compact(rs)
	for _, r := range rs {
		if l := list(root, r.sec); l != nil && r.i < len(l.Content) {
			l.Content = slices.Delete(l.Content, r.i, r.i+1)
		}
	}
}

// kindOf is the action of a timeline entry: its key other than at.
func kindOf(e *yaml.Node) string {
	if e.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(e.Content); i += 2 {
		if k := e.Content[i].Value; k != "at" {
			return k
		}
	}
	return ""
}

// body is the value of a timeline entry's action.
func body(e *yaml.Node) *yaml.Node { return yamlnode.Get(e, kindOf(e)) }

// timeOf reads a duration scalar; ok is false when n is absent or not one.
func timeOf(n *yaml.Node) (sim.Time, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	t, err := sim.ParseDuration(n.Value)
	return t, err == nil
}

// timeAt reads the duration at key of mapping m.
func timeAt(m *yaml.Node, key string) (sim.Time, bool) { return timeOf(yamlnode.Get(m, key)) }

// setTime sets the duration at key of mapping m.
func setTime(m *yaml.Node, key string, t sim.Time) { yamlnode.Set(m, key, yamlnode.Dur(t), "") }

// intAt reads the integer at key of mapping m.
func intAt(m *yaml.Node, key string) (int, bool) {
	n := yamlnode.Get(m, key)
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	v, err := strconv.Atoi(n.Value)
	return v, err == nil
}

// setInt sets the integer at key of mapping m.
func setInt(m *yaml.Node, key string, v int) {
	yamlnode.Set(m, key, yamlnode.Scalar("!!int", strconv.Itoa(v)), "")
}

// isFault reports whether a timeline action is a fault action.
func isFault(kind string) bool {
	switch kind {
	case scenarios.KindCrashAgent, scenarios.KindRestartAgent, scenarios.KindMasterFailover,
		scenarios.KindFrameworkFailover, scenarios.KindPartition, scenarios.KindHeal:
		return true
	}
	return false
}

// flow renders a node on one line, for the description of a step.
func flow(n *yaml.Node) string {
	c := yamlnode.Clone(n)
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
			n.Style = yaml.FlowStyle
		}
		for _, k := range n.Content {
			walk(k)
		}
	}
	walk(c)
	b, err := yaml.Marshal(c)
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// roundMs rounds a time down to whole milliseconds.
func roundMs(t sim.Time) sim.Time { return t / sim.Millisecond * sim.Millisecond }

// minWindow is the shortest window the reductions still halve.
const minWindow = 2 * sim.Second
