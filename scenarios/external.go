package scenarios

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// BehaviorExternal is the behaviour of a framework played by an outside
// process over the v1 scheduler HTTP API (mesosim serve): the process whose
// SUBSCRIBE carries framework_info.name equal to the entry's name takes it.
const BehaviorExternal = "external"

// DurationLabel is the TaskInfo label whose value (a Go duration such as
// 90s) overrides an external framework's task_duration for one task.
const DurationLabel = "mesosim.duration"

// ExternalSpec is what an external framework entry adds to its
// FrameworkSpec.
type ExternalSpec struct {
	// TaskDuration is how long each task it launches runs, in seconds
	// (nil: until killed, unless the task's mesosim.duration label says).
	TaskDuration *Dist
	// TaskFailureRate is the probability in [0, 1] that a task ends
	// TASK_FAILED instead of TASK_FINISHED.
	TaskFailureRate float64
	// Pin lists the settings (of PinKeys) whose entry value holds
	// whatever the framework's FrameworkInfo says; the others come from
	// the FrameworkInfo, the entry's value the default.
	Pin []string
}

// PinKeys are the settings an external entry may pin.
var PinKeys = []string{"role", "capabilities", "checkpoint", "failover_timeout"}

// ServeSpec is the serve section: how mesosim serve treats frameworks.
type ServeSpec struct {
	// AdmitUnknown lets a framework whose name matches no external entry
	// subscribe (role and options from its FrameworkInfo, tasks running
	// until killed unless labelled).
	AdmitUnknown bool
}

// externalKeys are the framework keys that only behavior external takes.
var externalKeys = []string{"task_duration", "task_failure_rate", "pin"}

// external decodes an external entry's own keys, and refuses them on any
// other behaviour.
func (d *decoder) external(m *mapping, fw *FrameworkSpec) {
	if fw.Behavior != BehaviorExternal {
		for _, k := range externalKeys {
			if kn := m.keys[k]; kn != nil {
				d.failf(kn.Line, "%s: only allowed with behavior external (this framework's behavior is %s)", m.field(k), fw.Behavior)
			}
		}
		return
	}
	ext := &ExternalSpec{}
	if v := m.get("task_duration"); v != nil {
		ds := d.dist(v, m.field("task_duration"), distDuration, false)
		ext.TaskDuration = &ds
	}
	if v := m.get("task_failure_rate"); v != nil {
		r := d.number(v, m.field("task_failure_rate"))
		if r < 0 || r > 1 {
			d.failf(v.Line, "%s: must be between 0 and 1, got %v", m.field("task_failure_rate"), r)
		}
		ext.TaskFailureRate = r
	}
	if v := m.get("pin"); v != nil {
		ext.Pin = []string{}
		for _, e := range d.seq(v, m.field("pin"), "pin") {
			k := d.str(e, m.field("pin"))
			if !slices.Contains(PinKeys, k) {
				d.failf(e.Line, "%s: %q cannot be pinned (known: %s)", m.field("pin"), k, strings.Join(PinKeys, ", "))
			}
			if slices.Contains(ext.Pin, k) {
				d.failf(e.Line, "%s: duplicate %q", m.field("pin"), k)
			}
			ext.Pin = append(ext.Pin, k)
		}
	}
	fw.External = ext
}

// serve decodes the serve section.
func (d *decoder) serve(n *yaml.Node) ServeSpec {
	var s ServeSpec
	if n == nil {
		return s
	}
	m := d.mapping(n, "serve", []string{"admit_unknown"}, true)
	if v := m.get("admit_unknown"); v != nil {
		s.AdmitUnknown = d.boolean(v, "serve.admit_unknown")
	}
	return s
}

// Externals returns the scenario's external framework entries, in file
// order.
func (sc *Scenario) Externals() []*FrameworkSpec {
	var out []*FrameworkSpec
	for i := range sc.Frameworks {
		if sc.Frameworks[i].External != nil {
			out = append(out, &sc.Frameworks[i])
		}
	}
	return out
}

// behaviorKnown reports whether b names a behaviour a frameworks entry may
// have: a built-in one, or external.
func behaviorKnown(known []string, b string) bool {
	return b == BehaviorExternal || slices.Contains(known, b)
}
