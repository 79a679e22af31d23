package scenarios

import (
	"cmp"
	"slices"

	"github.com/mesosim/mesosim/sim"
)

// presence tracks one agent or framework through the timeline.
type presence struct {
	addAt, removeAt     sim.Time
	addLine, removeLine int
	present, removed    bool
	fw                  *FrameworkSpec
}

// validate sorts the timeline and checks that every name an event refers
// to exists at that point in simulated time. Top-level agents and then
// frameworks are present from t=0, before any timeline entry; timeline
// entries apply in time order, ties in file order.
func (d *decoder) validate(sc *Scenario) {
	slices.SortStableFunc(d.events, func(a, b pending) int { return cmp.Compare(a.ev.At, b.ev.At) })

	agents := map[string]*presence{}
	frameworks := map[string]*presence{}
	for _, a := range sc.Agents {
		agents[a.Name] = &presence{addLine: a.Line, present: true}
	}
	for i := range sc.Frameworks {
		f := &sc.Frameworks[i]
		frameworks[f.Name] = &presence{addLine: f.Line, present: true, fw: f}
	}
	for _, p := range d.events {
		switch p.ev.Kind {
		case KindAddAgent:
			agents[p.ev.Agent.Name] = &presence{addAt: p.ev.At, addLine: p.ev.Line}
		case KindAddFramework:
			frameworks[p.ev.Framework.Name] = &presence{addAt: p.ev.At, addLine: p.ev.Line, fw: p.ev.Framework}
		}
	}

	sc.Timeline = make([]Event, len(d.events))
	for i := range d.events {
		p := &d.events[i]
		ev := &p.ev
		switch ev.Kind {
		case KindAddAgent:
			agents[ev.Agent.Name].present = true
		case KindAddFramework:
			frameworks[ev.Framework.Name].present = true
		case KindRemoveAgent:
			st := d.need(agents, "agent", ev.Name, p.nameLine, "timeline.remove_agent.name")
			st.present, st.removed, st.removeAt, st.removeLine = false, true, ev.At, ev.Line
		case KindRemoveFramework:
			st := d.need(frameworks, "framework", ev.Name, p.nameLine, "timeline.remove_framework.name")
			st.present, st.removed, st.removeAt, st.removeLine = false, true, ev.At, ev.Line
		case KindSuppress, KindRevive:
			d.need(frameworks, "framework", ev.Name, p.nameLine, "timeline."+ev.Kind+".framework")
		case KindDecline, KindRelease:
			st := d.need(frameworks, "framework", ev.FrameworkName, p.fwLine, "timeline."+ev.Kind+".framework")
			d.need(agents, "agent", ev.AgentName, p.agentLine, "timeline."+ev.Kind+".agent")
			if ev.Kind == KindDecline && !ev.HasRefuse {
				ev.RefuseSeconds = st.fw.RefuseSeconds
			}
		}
		sc.Timeline[i] = *ev
	}
	d.events = nil
}

// need returns the presence of name, failing unless it is present.
func (d *decoder) need(m map[string]*presence, what, name string, line int, path string) *presence {
	st, ok := m[name]
	switch {
	case !ok:
		d.failf(line, "%s: unknown %s %q", path, what, name)
	case st.removed:
		d.failf(line, "%s: %s %q was removed at %s (%s)", path, what, name, st.removeAt, d.lineRef(st.removeLine))
	case !st.present:
		d.failf(line, "%s: %s %q is not added yet (it is added at %s, %s)", path, what, name, st.addAt, d.lineRef(st.addLine))
	}
	return st
}
