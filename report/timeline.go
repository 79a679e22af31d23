package report

import (
	"strings"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Timeline is an observer that keeps what a fault timeline in Jepsen's
// manner draws: actors as lanes, partitions, crashes, master failovers and
// framework disconnections as bars from start to end, lost messages and
// one-off faults as marks, invariant violations as flagged points.
// Lanes are in order of first appearance, the master first; marks of lost
// messages are kept up to MaxTimelineMarks (the rest are counted).
type Timeline struct {
	Lanes      []string
	Bars       []TimelineBar
	Marks      []TimelineMark
	Violations []TimelineMark
	Dropped    int // lost messages, all of them
	Faults     int // fault records

	lane map[string]int
	open map[string]int // bar key -> index in Bars while open
}

// TimelineBar is a span on a lane: [Start, End), End sim.Never while open
// (Finish closes it at the horizon).
type TimelineBar struct {
	Lane       int
	Start, End sim.Time
	Label      string
}

// TimelineMark is one instant on a lane.
type TimelineMark struct {
	Lane  int
	T     sim.Time
	Label string
}

// MaxTimelineMarks bounds how many lost-message marks a Timeline keeps.
const MaxTimelineMarks = 5000

// NewTimeline returns an empty timeline with the master's lane.
func NewTimeline() *Timeline {
	t := &Timeline{lane: map[string]int{}, open: map[string]int{}}
	t.laneOf("master")
	return t
}

func (t *Timeline) laneOf(name string) int {
	if i, ok := t.lane[name]; ok {
		return i
	}
	t.lane[name] = len(t.Lanes)
	t.Lanes = append(t.Lanes, name)
	return len(t.Lanes) - 1
}

func (t *Timeline) start(key, lane string, at sim.Time, label string) {
	if _, ok := t.open[key]; ok {
		return
	}
	t.open[key] = len(t.Bars)
	t.Bars = append(t.Bars, TimelineBar{Lane: t.laneOf(lane), Start: at, End: sim.Never, Label: label})
}

func (t *Timeline) end(key string, at sim.Time) {
	if i, ok := t.open[key]; ok {
		t.Bars[i].End = at
		delete(t.open, key)
	}
}

// Observe implements model.Observer.
func (t *Timeline) Observe(r *model.Record) {
	switch r.Kind {
	case model.KindFault:
		t.Faults++
		t.fault(r)
	case model.KindMessageDropped:
		t.Dropped++
		if len(t.Marks) < MaxTimelineMarks {
			t.Marks = append(t.Marks, TimelineMark{Lane: t.laneOf(r.To), T: r.T, Label: r.Type + " lost (" + r.Reason + ")"})
		}
	case model.KindInvariantViolation:
		lane := "master"
		if r.Agent != "" {
			lane = "agent/" + r.Agent
		} else if r.Framework != "" {
			lane = "framework/" + r.Framework
		}
		t.Violations = append(t.Violations, TimelineMark{Lane: t.laneOf(lane), T: r.T, Label: r.Invariant + ": " + r.Detail})
	}
}

func (t *Timeline) fault(r *model.Record) {
	name, _, _ := strings.Cut(r.Detail, ":")
	switch r.Fault {
	case "partition":
		t.start("p/"+name, "partition "+name, r.T, r.Detail)
	case "heal":
		t.end("p/"+name, r.T)
	case "heal_all":
		for _, k := range sortedOpen(t.open) {
			if strings.HasPrefix(k, "p/") {
				t.end(k, r.T)
			}
		}
		t.Marks = append(t.Marks, TimelineMark{Lane: t.laneOf("master"), T: r.T, Label: "heal_all"})
	case "agent_crash":
		t.start("a/"+r.Agent, "agent/"+r.Agent, r.T, "agent "+r.Agent+" crashed")
	case "agent_restart":
		t.end("a/"+r.Agent, r.T)
	case "agent_reboot":
		old := strings.TrimPrefix(r.Detail, "was ")
		t.end("a/"+old, r.T)
		t.end("a/"+r.Agent, r.T)
	case "master_failover":
		t.start("m", "master", r.T, "no leading master")
	case "leader_elected":
		t.end("m", r.T)
	case "framework_disconnect":
		t.start("f/"+r.Framework, "framework/"+r.Framework, r.T, "framework "+r.Framework+" disconnected")
	case "framework_reconnect":
		t.end("f/"+r.Framework, r.T)
	default:
		lane := "master"
		if r.Agent != "" {
			lane = "agent/" + r.Agent
		} else if r.Framework != "" {
			lane = "framework/" + r.Framework
		}
		t.Marks = append(t.Marks, TimelineMark{Lane: t.laneOf(lane), T: r.T, Label: r.Fault + " " + r.Detail})
	}
}

// Finish closes the bars still open at end.
func (t *Timeline) Finish(end sim.Time) {
	for _, k := range sortedOpen(t.open) {
		t.end(k, end)
	}
}

// Empty reports whether nothing was recorded: no fault, no lost message,
// no violation.
func (t *Timeline) Empty() bool {
	return t.Faults == 0 && t.Dropped == 0 && len(t.Violations) == 0
}

func sortedOpen(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Bars close in the order they opened: deterministic, and by index.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && m[keys[j]] < m[keys[j-1]]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
