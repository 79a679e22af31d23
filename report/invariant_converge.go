package report

import (
	"slices"
	"sort"
	"strings"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// invSample is one convergence sample: the (framework, task) pairs whose
// non-terminal views differed, with what each side held.
type invSample struct {
	t        sim.Time
	mismatch map[invKey]invMismatch
}

// invMismatch is one pair's difference in a sample: what each side held,
// and the agent the views name.
type invMismatch struct {
	detail, agent string
}

type invViewed struct {
	ok    bool // a non-terminal view of the task
	state model.TaskState
	agent string
}

// invViews walks a view sorted by (framework, task) one task at a time.
type invViews struct {
	v []model.TaskView
	i int
}

func newInvViews(v []model.TaskView) invViews {
	less := func(a, b model.TaskView) int {
		return invCmpKey(invKey{a.Framework, a.Task}, invKey{b.Framework, b.Task})
	}
	if !slices.IsSortedFunc(v, less) {
		v = slices.Clone(v)
		slices.SortStableFunc(v, less)
	}
	return invViews{v: v}
}

// head returns the key of the next task, and false at the end.
func (w *invViews) head() (invKey, bool) {
	if w.i == len(w.v) {
		return invKey{}, false
	}
	return invKey{w.v[w.i].Framework, w.v[w.i].Task}, true
}

// take consumes the entries of k, if next, and returns the last
// non-terminal one (a task ID held twice, say on two agents, counts as its
// last non-terminal entry).
func (w *invViews) take(k invKey) invViewed {
	var got invViewed
	for ; w.i < len(w.v); w.i++ {
		v := &w.v[w.i]
		if v.Framework != k.framework || v.Task != k.task {
			break
		}
		if !v.State.Terminal() {
			got = invViewed{ok: true, state: v.State, agent: v.Agent}
		}
	}
	return got
}

func invCmpKey(a, b invKey) int {
	if c := strings.Compare(a.framework, b.framework); c != 0 {
		return c
	}
	return strings.Compare(a.task, b.task)
}

// converge takes a convergence sample when the system is quiet (a leader,
// every agent re-registered). A pair is flagged when it differs in this
// sample and in the previous one, nothing was recorded about the task in
// between (reconciliation answers aside), and this sample is at or after
// HealAt+ConvergeWithin: a difference that lasts a whole Settle with no
// message about the task in flight is not a transient. The three views
// come sorted by (framework, task) and are merged in one pass.
func (c *Checker) converge(now sim.Time, master []model.TaskView) {
	if c.w.Leaders() != 1 || !c.w.AgentsReregistered() {
		c.prev = nil
		return
	}
	views := [3]invViews{newInvViews(c.w.FrameworkTasks()), newInvViews(master), newInvViews(c.w.AgentTasks())}
	cur := &invSample{t: now, mismatch: map[invKey]invMismatch{}}
	show := func(v invViewed) string {
		if !v.ok {
			return "none"
		}
		return v.state.String()
	}
	for {
		var k invKey
		found := false
		for i := range views {
			if h, ok := views[i].head(); ok && (!found || invCmpKey(h, k) < 0) {
				k, found = h, true
			}
		}
		if !found {
			break
		}
		f, m, a := views[0].take(k), views[1].take(k), views[2].take(k)
		if !f.ok && !m.ok && !a.ok {
			continue
		}
		if f.ok == m.ok && m.ok == a.ok && f.state == m.state && m.state == a.state {
			continue
		}
		if f.ok && !m.ok && !a.ok && f.state == model.TaskUnreachable {
			// The framework holds a task UNREACHABLE that neither the
			// master nor any agent has: what the master answers for a task
			// on an agent still unreachable in its registry (e.g. one that
			// rebooted as a new agent). Mesos answers so until the registry
			// forgets the agent, days later: no framework can learn more.
			continue
		}
		agent := a.agent
		if agent == "" {
			agent = m.agent
		}
		if agent == "" {
			agent = f.agent
		}
		cur.mismatch[k] = invMismatch{agent: agent,
			detail: "framework " + show(f) + ", master " + show(m) + ", agent " + show(a)}
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
		d := cur.mismatch[k]
		c.violate(Violation{T: now, Invariant: InvReconciliation, Task: k.task, Framework: k.framework, Agent: d.agent,
			Detail: "views have not converged after healing: " + d.detail +
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
		bound := c.livenessBound(l)
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
