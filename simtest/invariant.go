package simtest

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
)

// An Invariant is a check of the user's own, held alongside the built-in
// ones (Options.Invariants, or the last arguments of Run). Check is called
// with every record of a run, in order (the built-in checker has seen it
// first; invariant_violated records are not passed), and with the world,
// whose state (w.Now(), w.Master(), w.MasterTasks(), ...) it may read but must
// not change. It returns "" when the record keeps the invariant, else what
// is wrong: a violation of Name at the record's time, about the record's
// framework, task and agent. Each subject (framework, task, agent) is
// reported once per invariant, as the built-in invariants are.
//
// Check must be deterministic (no clock, no global random numbers, no map
// order) for a failure to replay.
type Invariant struct {
	Name  string
	Check func(w *model.World, r *model.Record) string
}

// userChecker holds the user's invariants over a run.
type userChecker struct {
	w          *model.World
	invs       []Invariant
	seen       map[[4]string]bool
	violations []report.Violation
}

// Observe implements model.Observer.
func (u *userChecker) Observe(r *model.Record) {
	if r.Kind == model.KindInvariantViolation {
		return
	}
	for _, inv := range u.invs {
		detail := inv.Check(u.w, r)
		if detail == "" {
			continue
		}
		key := [4]string{inv.Name, r.Framework, r.Task, r.Agent}
		if u.seen[key] {
			continue
		}
		u.seen[key] = true
		u.violations = append(u.violations, report.Violation{T: r.T, Invariant: inv.Name,
			Task: r.Task, Agent: r.Agent, Framework: r.Framework, Detail: detail})
		// In the event log as the built-in ones are, so that the timeline
		// shows it.
		u.w.Emit(model.Record{Kind: model.KindInvariantViolation, Invariant: inv.Name,
			Detail: detail, Task: r.Task, Agent: r.Agent, Framework: r.Framework})
	}
}
