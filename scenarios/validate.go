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

	// An agent's crash (crash_agent until restart_agent).
	crashed   bool
	crashAt   sim.Time
	crashLine int
	// A framework's failover (down from downAt until downUntil).
	downAt, downUntil sim.Time
	downLine          int
}

// partState tracks one partition through the timeline.
type partState struct {
	start    sim.Time
	line     int  // where it is defined
	timeline bool // added by a timeline entry
	added    bool // (timeline) added by now
	healAt   sim.Time
	healLine int // what heals it at healAt: 0 while sim.Never
}

// validate sorts the timeline and checks that every name an event refers
// to exists at that point in simulated time. Top-level agents and then
// frameworks are present from t=0, before any timeline entry; timeline
// entries apply in time order, ties in file order.
func (d *decoder) validate(sc *Scenario) {
	slices.SortStableFunc(d.events, func(a, b pending) int { return cmp.Compare(a.ev.At, b.ev.At) })

	d.clusterTotals(sc)
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

	parts := map[string]*partState{}
	for _, ps := range sc.Faults.Partitions {
		st := &partState{start: ps.Start, line: ps.Line, healAt: sim.Never}
		if ps.Heal != 0 {
			st.healAt, st.healLine = ps.Heal, ps.Line
		}
		parts[ps.Name] = st
	}
	for _, p := range d.events {
		if p.ev.Kind == KindPartition {
			parts[p.ev.Partition.Name] = &partState{start: p.ev.At, line: p.ev.Line, timeline: true, healAt: sim.Never}
		}
	}
	if d.healAt != sim.Never {
		for _, st := range parts {
			if d.healAt < st.healAt {
				st.healAt, st.healLine = d.healAt, d.healLine
			}
		}
	}
	electedAt, electLine := sim.Time(-1), 0 // the last master failover's election

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
			if st.crashed {
				d.failf(p.nameLine, "timeline.remove_agent.name: agent %q is crashed (at %s, %s); restart it before removing it", ev.Name, st.crashAt, d.lineRef(st.crashLine))
			}
			st.present, st.removed, st.removeAt, st.removeLine = false, true, ev.At, ev.Line
		case KindMarkAgentGone:
			// A crashed agent may be marked gone (the operator's answer to
			// a machine that will not come back); it can do nothing after.
			st := d.need(agents, "agent", ev.Name, p.nameLine, "timeline.mark_agent_gone.agent")
			st.present, st.removed, st.removeAt, st.removeLine = false, true, ev.At, ev.Line
			st.crashed = false
		case KindRemoveFramework:
			st := d.needUp(frameworks, ev.Name, ev.At, p.nameLine, "timeline.remove_framework.name")
			st.present, st.removed, st.removeAt, st.removeLine = false, true, ev.At, ev.Line
		case KindSuppress, KindRevive:
			d.needUp(frameworks, ev.Name, ev.At, p.nameLine, "timeline."+ev.Kind+".framework")
		case KindDecline, KindRelease:
			st := d.needUp(frameworks, ev.FrameworkName, ev.At, p.fwLine, "timeline."+ev.Kind+".framework")
			d.need(agents, "agent", ev.AgentName, p.agentLine, "timeline."+ev.Kind+".agent")
			if ev.Kind == KindDecline && !ev.HasRefuse {
				ev.RefuseSeconds = st.fw.RefuseSeconds
			}
		case KindCrashAgent:
			d.beforeHeal(ev.At, p.atLine, "timeline.crash_agent.at")
			st := d.need(agents, "agent", ev.Name, p.nameLine, "timeline.crash_agent.agent")
			if st.crashed {
				d.failf(p.nameLine, "timeline.crash_agent.agent: agent %q is already crashed (at %s, %s)", ev.Name, st.crashAt, d.lineRef(st.crashLine))
			}
			st.crashed, st.crashAt, st.crashLine = true, ev.At, ev.Line
		case KindRestartAgent:
			d.healedBy(ev.At, p.atLine, "timeline.restart_agent.at", "the agent must be back by then")
			st := d.need(agents, "agent", ev.Name, p.nameLine, "timeline.restart_agent.agent")
			if !st.crashed {
				d.failf(p.nameLine, "timeline.restart_agent.agent: agent %q is not crashed (a restart needs an earlier crash_agent)", ev.Name)
			}
			st.crashed = false
		case KindMasterFailover:
			d.beforeHeal(ev.At, p.atLine, "timeline.master_failover.at")
			d.healedBy(ev.At+ev.Delay, p.auxLine, "timeline.master_failover.election_delay", "a new leader must be elected by then")
			if electedAt >= ev.At {
				d.failf(p.atLine, "timeline.master_failover: the master is being elected until %s (the failover of %s)", electedAt, d.lineRef(electLine))
			}
			electedAt, electLine = ev.At+ev.Delay, ev.Line
		case KindFrameworkFailover:
			d.beforeHeal(ev.At, p.atLine, "timeline.framework_failover.at")
			d.healedBy(ev.At+ev.Delay, p.auxLine, "timeline.framework_failover.down", "the scheduler must be back by then")
			st := d.needUp(frameworks, ev.Name, ev.At, p.nameLine, "timeline.framework_failover.framework")
			st.downAt, st.downUntil, st.downLine = ev.At, ev.At+ev.Delay, ev.Line
		case KindPartition:
			d.beforeHeal(ev.At, p.atLine, "timeline.partition.at")
			st := parts[ev.Partition.Name]
			st.added = true
			if ev.Partition.Heal != 0 && ev.Partition.Heal < st.healAt {
				st.healAt, st.healLine = ev.Partition.Heal, ev.Line
			}
		case KindHeal:
			path := "timeline.heal.partition"
			st, ok := parts[ev.Name]
			switch {
			case !ok:
				d.failf(p.nameLine, "%s: unknown partition %q", path, ev.Name)
			case st.timeline && !st.added:
				d.failf(p.nameLine, "%s: partition %q is not added yet (it is added at %s, %s)", path, ev.Name, st.start, d.lineRef(st.line))
			case ev.At <= st.start:
				d.failf(p.nameLine, "%s: partition %q has not started yet (it starts at %s, %s)", path, ev.Name, st.start, d.lineRef(st.line))
			case st.healAt <= ev.At:
				d.failf(p.nameLine, "%s: partition %q is already healed at %s (%s)", path, ev.Name, st.healAt, d.lineRef(st.healLine))
			}
			st.healAt, st.healLine = ev.At, ev.Line
		}
		sc.Timeline[i] = *ev
	}
	d.events = nil
}

// needUp is need for a framework that must also not be failing over at.
func (d *decoder) needUp(m map[string]*presence, name string, at sim.Time, line int, path string) *presence {
	st := d.need(m, "framework", name, line, path)
	if at < st.downUntil {
		d.failf(line, "%s: framework %q is failing over (down from %s to %s, %s)", path, name, st.downAt, st.downUntil, d.lineRef(st.downLine))
	}
	return st
}

// healedBy fails when a fault that must be over by heal_at ends at t,
// after it.
func (d *decoder) healedBy(t sim.Time, line int, path, why string) {
	if d.healAt != sim.Never && t > d.healAt {
		d.failf(line, "%s: ends at %s, after faults.heal_at %s (%s): %s", path, t, d.healAt, d.lineRef(d.healLine), why)
	}
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
