package policies

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Reconciliation settings of the reconciling behaviour.
const (
	// ReconcileBackoffMin and ReconcileBackoffMax bound the truncated
	// exponential backoff between explicit reconciliation requests.
	ReconcileBackoffMin = 10 * sim.Second
	ReconcileBackoffMax = 10 * sim.Minute
	// ImplicitReconcileEvery is the period of implicit reconciliation.
	ImplicitReconcileEvery = 15 * sim.Minute
	// StagingTimeout is how long a task may sit in TASK_STAGING (no update
	// since launch) before the reconciling framework kills it, as Mesos
	// advises (cf. the agent's one-minute executor registration timeout).
	StagingTimeout = sim.Minute
)

// reconciler runs the algorithm Mesos asks framework authors to run
// (docs/reconciliation.md, ../shared/reference/mesos-protocol.md) after
// every (re-)registration: note the start time; take every non-terminal
// task; ask the master about them (explicit reconciliation); wait with
// truncated exponential backoff; drop every task whose last update arrived
// after the start; repeat until none is left; keep one reconciliation in
// flight. Besides, every 15 minutes it reconciles implicitly (killing the
// tasks the master reports that it does not know) and runs an explicit
// round, and it kills tasks stuck in STAGING, whose RunTask may have been
// lost.
type reconciler struct {
	lastUpdate map[string]sim.Time // task -> when its last update arrived
	launched   map[string]sim.Time // task -> launch time, while no update came
	known      func(task string) bool
	inFlight   bool
	start      sim.Time
	backoff    sim.Time
	round      uint64
	periodic   bool
}

func newReconciler(known func(task string) bool) *reconciler {
	return &reconciler{lastUpdate: map[string]sim.Time{}, launched: map[string]sim.Time{}, known: known}
}

// subscribed starts a reconciliation after every (re-)registration.
func (r *reconciler) subscribed(d model.Driver) {
	r.startRound(d)
	if !r.periodic {
		r.periodic = true
		var tick func()
		tick = func() {
			d.Reconcile(nil)
			// Implicit reconciliation answers only the tasks the master
			// holds in its task map (Master::reconcile): the tasks of an
			// unreachable agent, or ones it dropped when that agent came
			// back without them, get no answer. So every tick also
			// starts an explicit round over every task not known to be
			// over (replacing one still in flight, which would leave out
			// the tasks heard of since it began).
			r.startRound(d)
			d.After(ImplicitReconcileEvery, tick)
		}
		d.After(ImplicitReconcileEvery, tick)
	}
}

// startRound starts an explicit reconciliation round, replacing any
// round in flight.
func (r *reconciler) startRound(d model.Driver) {
	r.round++
	r.inFlight = true
	r.start = d.Now()
	r.backoff = ReconcileBackoffMin
	r.ask(d, r.round)
}

// ask sends an explicit reconciliation for the tasks not heard of since
// the round started, and waits; an empty list ends the round.
func (r *reconciler) ask(d model.Driver, round uint64) {
	if round != r.round {
		return // a newer round replaced this one
	}
	var refs []model.TaskRef
	for _, t := range d.Tasks() {
		if t.State.Definitive() {
			continue
		}
		if at, ok := r.lastUpdate[t.Task]; ok && at > r.start {
			continue
		}
		refs = append(refs, model.TaskRef{Task: t.Task, Agent: t.Agent})
	}
	if len(refs) == 0 {
		r.inFlight = false
		return
	}
	d.Reconcile(refs)
	wait := r.backoff
	r.backoff = min(2*r.backoff, ReconcileBackoffMax)
	d.After(wait, func() { r.ask(d, round) })
}

// launchedTask notes a launch and kills the task if it is still without
// any update but STAGING StagingTimeout later; the kill is repeated with
// doubling waits (at most ReconcileBackoffMax) until an update other than
// STAGING arrives, since a KILL is sent once and may be lost.
func (r *reconciler) launchedTask(d model.Driver, task string) {
	at := d.Now()
	r.launched[task] = at
	r.watchStaging(d, task, at, StagingTimeout)
}

func (r *reconciler) watchStaging(d model.Driver, task string, at, wait sim.Time) {
	d.After(wait, func() {
		if r.launched[task] != at {
			return // heard of it since, or relaunched
		}
		d.Kill(task)
		r.watchStaging(d, task, at, min(2*wait, ReconcileBackoffMax))
	})
}

// update notes an update. Answers about tasks the framework does not know
// (from implicit reconciliation) are killed.
func (r *reconciler) update(d model.Driver, st model.TaskStatus) {
	r.lastUpdate[st.Task] = d.Now()
	if st.State != model.TaskStaging {
		// A STAGING answer says nothing new: the staging timeout runs on.
		delete(r.launched, st.Task)
	}
	// A task the master reports alive that this framework never launched
	// (or has forgotten) is killed. Only live states: the master answers
	// UNREACHABLE or UNKNOWN for tasks it does not know, and a kill of
	// those would only be answered the same way again.
	if st.Reason == model.ReasonReconciliation && st.State.Live() && !r.known(st.Task) {
		d.Kill(st.Task)
	}
	if st.State.Definitive() {
		delete(r.lastUpdate, st.Task)
	}
}
