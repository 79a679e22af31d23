package report

import (
	"sort"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// invSample is one convergence sample: the (framework, task) pairs whose
// non-terminal views differed, with what each side held.
type invSample struct {
	t        sim.Time
	mismatch map[invKey]string
}

type invViewed struct {
	state model.TaskState
	agent string
}

// invNonTerminal indexes the non-terminal tasks of a view.
func invNonTerminal(views []model.TaskView) map[invKey]invViewed {
	m := make(map[invKey]invViewed, len(views))
	for _, v := range views {
		if !v.State.Terminal() {
			m[invKey{v.Framework, v.Task}] = invViewed{v.State, v.Agent}
		}
	}
	return m
}

// converge takes a convergence sample when the system is quiet (a leader,
// every agent re-registered). A pair is flagged when it differs in this
// sample and in the previous one, nothing was recorded about the task in
// between (reconciliation answers aside), and this sample is at or after
// HealAt+ConvergeWithin: a difference that lasts a whole Settle with no
// message about the task in flight is not a transient.
func (c *Checker) converge(now sim.Time, master []model.TaskView) {
	if c.w.Leaders() != 1 || !c.w.AgentsReregistered() {
		c.prev = nil
		return
	}
	ms := invNonTerminal(master)
	fw := invNonTerminal(c.w.FrameworkTasks())
	ag := invNonTerminal(c.w.AgentTasks())
	cur := &invSample{t: now, mismatch: map[invKey]string{}}
	show := func(v invViewed, ok bool) string {
		if !ok {
			return "none"
		}
		return v.state.String()
	}
	check := func(k invKey) {
		if _, done := cur.mismatch[k]; done {
			return
		}
		f, fok := fw[k]
		m, mok := ms[k]
		a, aok := ag[k]
		if fok == mok && mok == aok && f.state == m.state && m.state == a.state {
			return
		}
		if fok && !mok && !aok && f.state == model.TaskUnreachable {
			// The framework holds a task UNREACHABLE that neither the
			// master nor any agent has: what the master answers for a task
			// on an agent still unreachable in its registry (e.g. one that
			// rebooted as a new agent). Mesos answers so until the registry
			// forgets the agent, days later: no framework can learn more.
			return
		}
		cur.mismatch[k] = "framework " + show(f, fok) + ", master " + show(m, mok) + ", agent " + show(a, aok)
	}
	for k := range fw {
		check(k)
	}
	for k := range ms {
		check(k)
	}
	for k := range ag {
		check(k)
	}
	prev := c.prev
	c.prev = cur
	if prev == nil || now < c.deadline || prev.t >= now {
		return
	}
	keys := make([]invKey, 0, len(cur.mismatch))
	for k := range cur.mismatch {
		if _, was := prev.mismatch[k]; !was {
			continue
		}
		if t := c.tasks[k]; t != nil && t.active > prev.t {
			continue
		}
		keys = append(keys, k)
	}
	invSortKeys(keys)
	for _, k := range keys {
		agent := ""
		for _, v := range []invViewed{ag[k], ms[k], fw[k]} {
			if v.agent != "" {
				agent = v.agent
				break
			}
		}
		c.violate(Violation{T: now, Invariant: InvReconciliation, Task: k.task, Framework: k.framework, Agent: agent,
			Detail: "views have not converged after healing: " + cur.mismatch[k] +
				" (also at " + prev.t.String() + ")"})
	}
}

func invSortKeys(keys []invKey) {
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].framework != keys[j].framework {
			return keys[i].framework < keys[j].framework
		}
		return keys[i].task < keys[j].task
	})
}

// checkLiveness checks, at the end of the run, that every task launched
// settled (RUNNING, terminal, or a reconciliation answer, as seen by its
// framework) within ConvergeWithin after max(its launch, HealAt). Tasks
// whose bound is after end are not judged, nor tasks whose framework was
// removed after their launch and before they settled.
func (c *Checker) checkLiveness(end sim.Time) {
	for _, l := range c.launches {
		bound := invAddSat(max(l.at, c.cfg.HealAt), max(c.cfg.ConvergeWithin, 0))
		if bound > end || l.reached <= bound {
			continue
		}
		if at, ok := c.frameworkRemoved[l.key.framework]; ok && at >= l.at && at < l.reached {
			continue
		}
		detail := "launched at " + l.at.String() + ", "
		if l.reached == sim.Never {
			detail += "its framework saw neither RUNNING, a terminal state nor a reconciliation answer by " + end.String()
		} else {
			detail += "settled only at " + l.reached.String()
		}
		detail += " (bound " + bound.String() + ")"
		agent := ""
		if t := c.tasks[l.key]; t != nil {
			agent = t.agent
		}
		c.violate(Violation{T: end, Invariant: InvLiveness, Task: l.key.task, Framework: l.key.framework,
			Agent: agent, Detail: detail})
	}
}
