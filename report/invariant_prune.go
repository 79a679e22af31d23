package report

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// invPruneMin is the number of tasks the checker holds before its first
// prune; after each prune the next waits until the count has doubled, so
// pruning costs O(1) amortised per task.
const invPruneMin = 4096

// prune forgets the tasks that ended, so that the checker's memory follows
// the live tasks rather than every task of the run. A task ended when no
// verdict can depend on the checker's record of it any more:
//
//   - the faults have healed and converged (at or after HealAt +
//     ConvergeWithin), so no message about it is held back in the network;
//   - no record about it came within the last Settle;
//   - no view holds it (master, agents, frameworks, in any state), the
//     master is not expected to hold it (ack-before-forget) and its
//     resources are not counted on its agent;
//   - its launch settled within the liveness bound, so liveness will not
//     report it.
//
// Its status update streams go with it, and launches that settled within
// their bound leave the liveness list. Nothing is pruned when the faults
// never heal (HealAt sim.Never) or while the views cannot be read (no
// leader). Called at checkpoints, after checkForgotten marked the tasks in
// the master's view (seen).
func (c *Checker) prune(now sim.Time) {
	if len(c.tasks) < c.pruneAt || c.cfg.HealAt == sim.Never || now < c.deadline || c.w.Leaders() == 0 {
		return
	}
	held := make(map[invKey]struct{}, len(c.expected))
	for _, views := range [][]model.TaskView{c.w.AgentTasks(), c.w.FrameworkTasks()} {
		for _, v := range views {
			held[invKey{v.Framework, v.Task}] = struct{}{}
		}
	}
	gone := map[invKey]struct{}{}
	for k, t := range c.tasks {
		if c.ended(now, k, t, held) {
			gone[k] = struct{}{}
			delete(c.tasks, k)
		}
	}
	for sk := range c.streams {
		if _, ok := gone[invKey{sk.framework, sk.task}]; ok {
			delete(c.streams, sk)
		}
	}
	kept := c.launches[:0]
	for _, l := range c.launches {
		if l.reached == sim.Never || l.reached > c.livenessBound(l) {
			kept = append(kept, l)
		}
	}
	clear(c.launches[len(kept):])
	c.launches = kept
	c.pruneAt = max(c.pruneMin, 2*len(c.tasks))
}

// ended reports whether the task k may be pruned at now (see prune).
func (c *Checker) ended(now sim.Time, k invKey, t *invTask, held map[invKey]struct{}) bool {
	if t.held || t.masterLive || t.active > now-c.settle {
		return false
	}
	if l := t.live; l != nil && (l.reached == sim.Never || l.reached > c.livenessBound(l)) {
		return false
	}
	if t.expected || t.seen == c.views {
		return false
	}
	_, ok := held[k]
	return !ok
}

// livenessBound is when a launch must have settled by: ConvergeWithin
// after max(its launch, HealAt).
func (c *Checker) livenessBound(l *invLaunch) sim.Time {
	return invAddSat(max(l.at, c.cfg.HealAt), max(c.cfg.ConvergeWithin, 0))
}
