package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
)

// invFake is a WorldView whose views the test sets by hand.
type invFake struct {
	now                       sim.Time
	master, agents, framework []model.TaskView
	leaders                   int
	quiet                     bool
}

func (f *invFake) Now() sim.Time                    { return f.now }
func (f *invFake) MasterTasks() []model.TaskView    { return f.master }
func (f *invFake) AgentTasks() []model.TaskView     { return f.agents }
func (f *invFake) FrameworkTasks() []model.TaskView { return f.framework }
func (f *invFake) Leaders() int                     { return f.leaders }
func (f *invFake) AgentsReregistered() bool         { return f.quiet }

// invRig feeds hand-built records to a checker over a fake world.
type invRig struct {
	t       *testing.T
	w       *invFake
	c       *Checker
	emitted []model.Record
}

func newInvRig(t *testing.T, cfg CheckerConfig) *invRig {
	r := &invRig{t: t, w: &invFake{leaders: 1, quiet: true}}
	cfg.Emit = func(rec model.Record) {
		rec.T = r.w.now
		r.emitted = append(r.emitted, rec)
	}
	r.c = NewChecker(r.w, cfg)
	return r
}

func (r *invRig) feed(recs ...model.Record) {
	for i := range recs {
		r.w.now = recs[i].T
		r.c.Observe(&recs[i])
	}
}

// expect checks the violations found so far, as "invariant subject" with
// the subject framework/task, or the agent.
func (r *invRig) expect(want ...string) {
	r.t.Helper()
	var got []string
	for _, v := range r.c.Violations() {
		subject := v.Agent
		if v.Task != "" {
			subject = v.Framework + "/" + v.Task
		}
		got = append(got, v.Invariant+" "+subject)
	}
	if !slices.Equal(got, want) {
		r.t.Fatalf("violations:\n got %q\nwant %q\n%s", got, want, r.details())
	}
	if len(r.emitted) != len(got) {
		r.t.Fatalf("emitted %d invariant_violated records for %d violations", len(r.emitted), len(got))
	}
	for i, rec := range r.emitted {
		v := r.c.Violations()[i]
		if rec.Kind != model.KindInvariantViolation || rec.Invariant != v.Invariant || rec.Task != v.Task ||
			rec.Agent != v.Agent || rec.Detail == "" {
			r.t.Fatalf("emitted %+v for %+v", rec, v)
		}
	}
}

func (r *invRig) details() string {
	var b strings.Builder
	for _, v := range r.c.Violations() {
		b.WriteString("  " + v.T.String() + " " + v.Invariant + " " + v.Framework + "/" + v.Task + " " + v.Agent + ": " + v.Detail + "\n")
	}
	return b.String()
}

const invSec = sim.Second

func invLaunchRec(t sim.Time, fw, task, agent, res string) model.Record {
	return model.Record{T: t, Kind: model.KindTaskLaunched, Framework: fw, Task: task, Agent: agent,
		Resources: model.MustParseResources(res), Submitted: -1}
}

// invAgentUpd is an update the agent generates (reliable).
func invAgentUpd(t sim.Time, fw, task, agent string, state model.TaskState, uuid uint64) model.Record {
	return model.Record{T: t, Kind: model.KindTaskStatus, Framework: fw, Task: task, Agent: agent,
		State: state.String(), Source: model.SourceExecutor, SeenBy: "agent", UUID: uuid}
}

// seen is the same update as received by seenBy.
func invSeen(r model.Record, t sim.Time, seenBy string) model.Record {
	r.T, r.SeenBy = t, seenBy
	return r
}

// invMasterUpd is an update the master generates (no UUID), as seenBy sees it.
func invMasterUpd(t sim.Time, fw, task, agent string, state model.TaskState, reason, seenBy string) model.Record {
	return model.Record{T: t, Kind: model.KindTaskStatus, Framework: fw, Task: task, Agent: agent,
		State: state.String(), Reason: reason, Source: model.SourceMaster, SeenBy: seenBy}
}

func invRecon(t sim.Time, fw, task, agent string, state model.TaskState) model.Record {
	return invMasterUpd(t, fw, task, agent, state, model.ReasonReconciliation, "framework")
}

func invAgentAdded(t sim.Time, agent, res string) model.Record {
	return model.Record{T: t, Kind: model.KindAgentAdded, Agent: agent, Resources: model.MustParseResources(res)}
}

func invOfferRec(t sim.Time, id, agent, res string) model.Record {
	return model.Record{T: t, Kind: model.KindOffer, Offer: id, Framework: "f", Agent: agent, Resources: model.MustParseResources(res)}
}

func invOfferEnd(t sim.Time, kind, id, agent string) model.Record {
	return model.Record{T: t, Kind: kind, Offer: id, Framework: "f", Agent: agent}
}

func invAlloc(t sim.Time) model.Record { return model.Record{T: t, Kind: model.KindAllocation} }

func invFault(t sim.Time, fault, agent, detail string) model.Record {
	return model.Record{T: t, Kind: model.KindFault, Fault: fault, Agent: agent, Detail: detail}
}

func invView(fw, task, agent string, state model.TaskState) model.TaskView {
	return model.TaskView{Framework: fw, Task: task, Agent: agent, State: state}
}

// invSafety is a configuration that checks invSafety only.
var invSafety = CheckerConfig{HealAt: sim.Never}

func TestInvariantNames(t *testing.T) {
	want := []string{"update-order", "no-resurrection", "reconciliation", "liveness", "ack-before-forget",
		"single-leader", "resources"}
	if got := InvariantNames(); !slices.Equal(got, want) {
		t.Fatalf("InvariantNames() = %q", got)
	}
}

func TestInvariantUpdateOrder(t *testing.T) {
	run1 := invAgentUpd(1*invSec, "f", "t1", "a1", model.TaskRunning, 11)
	fin1 := invAgentUpd(2*invSec, "f", "t1", "a1", model.TaskFinished, 12)
	t.Run("in order with duplicates", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(invLaunchRec(0, "f", "t1", "a1", "cpus:1"), run1, fin1,
			invSeen(run1, 3*invSec, "framework"), invSeen(run1, 4*invSec, "framework"),
			invSeen(fin1, 5*invSec, "framework"), invSeen(fin1, 6*invSec, "framework"))
		r.expect()
	})
	t.Run("skips ahead", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		kill := invAgentUpd(3*invSec, "f", "t1", "a1", model.TaskKilled, 13)
		r.feed(run1, fin1, kill, invSeen(run1, 4*invSec, "framework"), invSeen(kill, 5*invSec, "framework"))
		r.expect("update-order f/t1")
	})
	t.Run("goes back", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(run1, fin1, invSeen(run1, 3*invSec, "framework"), invSeen(fin1, 4*invSec, "framework"), invSeen(run1, 5*invSec, "framework"))
		r.expect("update-order f/t1", "no-resurrection f/t1")
	})
	t.Run("first update not the stream's first", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(run1, fin1, invSeen(fin1, 3*invSec, "framework"))
		r.expect("update-order f/t1")
	})
	t.Run("a UUID the agent never generated", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(run1, invSeen(invAgentUpd(3*invSec, "f", "t1", "a1", model.TaskFinished, 99), 3*invSec, "framework"))
		r.expect("update-order f/t1")
	})
	t.Run("a crash discards the unsent updates", func(t *testing.T) {
		// RUNNING reached the framework; FINISHED was generated but lost
		// with the agent's crash; after the restart the agent reports the
		// task DROPPED through a new stream.
		r := newInvRig(t, invSafety)
		dropped := invAgentUpd(20*invSec, "f", "t1", "a1", model.TaskDropped, 13)
		dropped.Reason, dropped.Source = model.ReasonReconciliation, model.SourceAgent
		r.feed(run1, invSeen(run1, 1*invSec, "framework"), fin1, invFault(10*invSec, "agent_crash", "a1", ""),
			invFault(15*invSec, "agent_restart", "a1", ""), dropped, invSeen(dropped, 21*invSec, "framework"))
		r.expect()
	})
	t.Run("streams are per agent", func(t *testing.T) {
		// The same task ID on two agents (reused): each stream has its
		// own order.
		r := newInvRig(t, invSafety)
		runB := invAgentUpd(3*invSec, "f", "t1", "b1", model.TaskRunning, 11)
		r.feed(run1, fin1, invSeen(run1, 2*invSec, "framework"), runB, invSeen(runB, 3*invSec, "framework"), invSeen(fin1, 4*invSec, "framework"))
		r.expect()
	})
}

func TestInvariantNoResurrection(t *testing.T) {
	t.Run("LOST, UNREACHABLE, GONE_BY_OPERATOR, UNKNOWN are not definitive", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		run := invAgentUpd(1*invSec, "f", "t1", "a1", model.TaskRunning, 1)
		r.feed(invLaunchRec(0, "f", "t1", "a1", "cpus:1"), run, invSeen(run, invSec, "framework"),
			invMasterUpd(2*invSec, "f", "t1", "a1", model.TaskLost, model.ReasonAgentRemoved, "framework"),
			invMasterUpd(3*invSec, "f", "t1", "a1", model.TaskRunning, model.ReasonReregistered, "framework"),
			invMasterUpd(4*invSec, "f", "t1", "a1", model.TaskUnreachable, model.ReasonAgentRemoved, "framework"),
			invMasterUpd(5*invSec, "f", "t1", "a1", model.TaskRunning, model.ReasonReregistered, "framework"),
			invRecon(6*invSec, "f", "t1", "a1", model.TaskGoneByOperator),
			invRecon(7*invSec, "f", "t1", "a1", model.TaskUnknown),
			invRecon(8*invSec, "f", "t1", "a1", model.TaskRunning))
		r.expect()
	})
	t.Run("terminal may be followed by terminal", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		fin := invAgentUpd(1*invSec, "f", "t1", "a1", model.TaskFinished, 1)
		r.feed(fin, invSeen(fin, invSec, "framework"), invSeen(fin, 2*invSec, "framework"),
			invRecon(3*invSec, "f", "t1", "a1", model.TaskLost)) // reconciling an acked task
		r.expect()
	})
	for _, final := range []model.TaskState{model.TaskFinished, model.TaskFailed, model.TaskKilled,
		model.TaskError, model.TaskDropped, model.TaskGone} {
		t.Run("back from "+final.String(), func(t *testing.T) {
			r := newInvRig(t, invSafety)
			r.feed(invMasterUpd(1*invSec, "f", "t1", "a1", final, "", "framework"),
				invMasterUpd(2*invSec, "f", "t1", "a1", model.TaskRunning, model.ReasonReregistered, "framework"))
			r.expect("no-resurrection f/t1")
		})
	}
	t.Run("a stale update of a reused task ID", func(t *testing.T) {
		// t1 was dropped on a5 and relaunched on a6; a duplicate of the
		// old DROPPED arrives after the relaunch: the new life's RUNNING
		// is no resurrection.
		r := newInvRig(t, invSafety)
		dropped := invAgentUpd(1*invSec, "f", "t1", "a5", model.TaskDropped, 7)
		run := invAgentUpd(11*invSec, "f", "t1", "a6", model.TaskRunning, 8)
		r.feed(invLaunchRec(0, "f", "t1", "a5", "cpus:1"), dropped, invSeen(dropped, 2*invSec, "framework"),
			invLaunchRec(10*invSec, "f", "t1", "a6", "cpus:1"), invSeen(dropped, 11*invSec, "framework"), run,
			invSeen(run, 12*invSec, "framework"))
		r.expect()
	})
}

func TestInvariantReconciliationAnswers(t *testing.T) {
	t.Run("answers the master could give", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		run := invAgentUpd(1*invSec, "f", "t1", "a1", model.TaskRunning, 1)
		r.feed(invLaunchRec(0, "f", "t1", "a1", "cpus:1"),
			invRecon(invSec/2, "f", "t1", "a1", model.TaskStaging),
			run, invSeen(run, 2*invSec, "master"),
			invRecon(3*invSec, "f", "t1", "a1", model.TaskRunning),
			// lagging: computed before the master heard of RUNNING
			invRecon(4*invSec, "f", "t1", "a1", model.TaskStaging),
			// tasks the master does not know: GONE, UNKNOWN, LOST...
			invRecon(5*invSec, "f", "t9", "a1", model.TaskGone),
			invRecon(5*invSec, "f", "t9", "a1", model.TaskLost))
		// A state the agent reached, which a new leader learns from its
		// re-registration without a record of its own.
		fin := invAgentUpd(6*invSec, "f", "t1", "a1", model.TaskFinished, 2)
		r.feed(fin, invRecon(7*invSec, "f", "t1", "a1", model.TaskFinished))
		r.expect()
	})
	t.Run("a state the master never held", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		run := invAgentUpd(1*invSec, "f", "t1", "a1", model.TaskRunning, 1)
		r.feed(invLaunchRec(0, "f", "t1", "a1", "cpus:1"), run, invSeen(run, 2*invSec, "master"),
			invRecon(3*invSec, "f", "t1", "a1", model.TaskKilled))
		r.expect("reconciliation f/t1")
	})
	t.Run("a known-task state for a task nobody had", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(invRecon(3*invSec, "f", "ghost", "a1", model.TaskRunning))
		r.expect("reconciliation f/ghost")
	})
}

// invConvergeRig is a run without faults whose views must have converged
// from 60 s on; checkpoints are one allocation record per minute.
// invConvergeRig is a run configured without faults (HealAt 0) in which a
// framework disconnects at 0, so that convergence is judged; without it
// (invConvergeRigFaulted(t, false)) it is not.
func invConvergeRig(t *testing.T) *invRig { return invConvergeRigFaulted(t, true) }

func invConvergeRigFaulted(t *testing.T, faulted bool) *invRig {
	r := newInvRig(t, CheckerConfig{HealAt: 0, ConvergeWithin: 60 * invSec, Settle: 60 * invSec})
	if faulted {
		r.feed(invFault(0, "framework_disconnect", "", ""))
	}
	run := invAgentUpd(invSec, "f", "t1", "a1", model.TaskRunning, 1)
	r.feed(invLaunchRec(invSec, "f", "t1", "a1", "cpus:1"), run, invSeen(run, invSec, "master"), invSeen(run, invSec, "framework"),
		invLaunchRec(2*invSec, "f", "t2", "a1", "cpus:1"),
		invRecon(3*invSec, "f", "t2", "a1", model.TaskStaging)) // settles t2 for liveness
	r.w.master = []model.TaskView{invView("f", "t1", "a1", model.TaskRunning), invView("f", "t2", "a1", model.TaskStaging)}
	r.w.framework = []model.TaskView{invView("f", "t1", "a1", model.TaskRunning), invView("f", "t2", "a1", model.TaskStaging)}
	r.w.agents = []model.TaskView{invView("f", "t1", "a1", model.TaskRunning)}
	return r
}

func TestInvariantConvergence(t *testing.T) {
	t.Run("converged", func(t *testing.T) {
		r := invConvergeRig(t)
		r.w.agents = append(r.w.agents, invView("f", "t2", "a1", model.TaskStaging))
		r.feed(invAlloc(60*invSec), invAlloc(120*invSec), invAlloc(180*invSec))
		r.c.Finish(200 * invSec)
		r.expect()
	})
	t.Run("stuck in STAGING", func(t *testing.T) {
		// t2's RunTask was lost: the master and the framework hold it
		// STAGING, the agent never had it. Reconciliation answers do not
		// count as activity.
		r := invConvergeRig(t)
		r.feed(invAlloc(30*invSec), invAlloc(60*invSec), invRecon(90*invSec, "f", "t2", "a1", model.TaskStaging), invAlloc(120*invSec))
		r.expect("reconciliation f/t2")
		if v := r.c.Violations()[0]; v.T != 120*invSec || v.Agent != "a1" ||
			!strings.Contains(v.Detail, "framework TASK_STAGING, master TASK_STAGING, agent none") {
			t.Fatalf("violation %+v", v)
		}
	})
	t.Run("at Finish", func(t *testing.T) {
		r := invConvergeRig(t)
		r.feed(invAlloc(60 * invSec))
		r.c.Finish(90 * invSec)
		r.expect("reconciliation f/t2")
	})
	t.Run("framework drifted", func(t *testing.T) {
		// The framework heard t1 LOST while its agent was partitioned,
		// and missed the RUNNING sent when the agent re-registered (a
		// naive framework that never reconciles).
		r := invConvergeRig(t)
		r.w.agents = append(r.w.agents, invView("f", "t2", "a1", model.TaskStaging))
		r.w.framework[0].State = model.TaskLost
		r.feed(invAlloc(60*invSec), invAlloc(120*invSec))
		r.expect("reconciliation f/t1")
		if d := r.c.Violations()[0].Detail; !strings.Contains(d, "framework none, master TASK_RUNNING, agent TASK_RUNNING") {
			t.Fatalf("detail %q", d)
		}
	})
	t.Run("transient", func(t *testing.T) {
		// Differences in one sample only, or with an update between the
		// samples, are in flight.
		r := invConvergeRig(t)
		r.feed(invAlloc(60 * invSec))
		r.w.agents = append(r.w.agents, invView("f", "t2", "a1", model.TaskStaging))
		r.feed(invAlloc(120 * invSec))
		r.w.agents = r.w.agents[:1]
		r.feed(invAlloc(180*invSec), invAgentUpd(200*invSec, "f", "t2", "a1", model.TaskRunning, 2), invAlloc(240*invSec))
		r.expect()
	})
	t.Run("no fault recorded", func(t *testing.T) {
		// The stuck STAGING task of the second case, in a run without
		// faults: convergence is not a question there, and not sampled.
		r := invConvergeRigFaulted(t, false)
		r.feed(invAlloc(60*invSec), invAlloc(120*invSec))
		r.c.Finish(180 * invSec)
		r.expect()
		if r.c.prev != nil {
			t.Fatalf("a convergence sample at %s", r.c.prev.t)
		}
		r.feed(model.Record{T: 190 * invSec, Kind: model.KindAgentRemoved, Agent: "a9", Reason: "unreachable"})
		if !r.c.judgesConvergence() {
			t.Fatal("an agent removal did not make convergence a question")
		}
	})
	t.Run("not judged before the bound", func(t *testing.T) {
		r := newInvRig(t, CheckerConfig{HealAt: 10 * 60 * invSec, ConvergeWithin: 60 * invSec, Settle: 60 * invSec})
		r.w.framework = []model.TaskView{invView("f", "t1", "a1", model.TaskStaging)}
		r.feed(invAlloc(60*invSec), invAlloc(120*invSec), invAlloc(180*invSec))
		r.c.Finish(200 * invSec)
		r.expect()
	})
	t.Run("not quiet", func(t *testing.T) {
		r := invConvergeRig(t)
		r.w.quiet = false // an agent has not re-registered
		r.feed(invAlloc(60*invSec), invAlloc(120*invSec))
		r.c.Finish(200 * invSec)
		r.expect()
	})
	t.Run("never healed", func(t *testing.T) {
		r := invConvergeRig(t)
		r.c = NewChecker(r.w, CheckerConfig{HealAt: sim.Never, Emit: r.c.cfg.Emit})
		r.feed(invAlloc(60*invSec), invAlloc(120*invSec))
		r.c.Finish(200 * invSec)
		r.expect()
	})
}

func TestInvariantLiveness(t *testing.T) {
	cfg := CheckerConfig{HealAt: 10 * invSec, ConvergeWithin: 60 * invSec}
	feed := func(r *invRig) {
		run1 := invAgentUpd(20*invSec, "f", "t1", "a1", model.TaskRunning, 1)
		run3 := invAgentUpd(100*invSec, "f", "t3", "a1", model.TaskRunning, 2)
		r.feed(invLaunchRec(1*invSec, "f", "t1", "a1", "cpus:1"), // settles in time
			invLaunchRec(5*invSec, "f", "t2", "a1", "cpus:1"), // never settles: bound 70 s
			invLaunchRec(2*invSec, "f", "t5", "a1", "cpus:1"), // gets a reconciliation answer
			invLaunchRec(3*invSec, "g", "t6", "a1", "cpus:1"), // its framework is removed
			run1, invSeen(run1, 20*invSec, "framework"),
			invLaunchRec(30*invSec, "f", "t3", "a1", "cpus:1"), // settles late: bound 90 s
			model.Record{T: 40 * invSec, Kind: model.KindFrameworkRemoved, Framework: "g"},
			invRecon(50*invSec, "f", "t5", "a1", model.TaskStaging),
			run3, invSeen(run3, 100*invSec, "framework"),
			invLaunchRec(150*invSec, "f", "t4", "a1", "cpus:1")) // bound 210 s: not judged
		r.w.master = []model.TaskView{invView("f", "t1", "a1", model.TaskRunning), invView("f", "t2", "a1", model.TaskStaging),
			invView("f", "t3", "a1", model.TaskRunning), invView("f", "t4", "a1", model.TaskStaging),
			invView("f", "t5", "a1", model.TaskStaging)}
		r.c.Finish(200 * invSec)
	}
	t.Run("bounded", func(t *testing.T) {
		r := newInvRig(t, cfg)
		feed(r)
		r.expect("liveness f/t2", "liveness f/t3")
		if v := r.c.Violations()[1]; v.T != 200*invSec || !strings.Contains(v.Detail, "settled only at 1m40s (bound 1m30s)") {
			t.Fatalf("violation %+v", v)
		}
	})
	t.Run("never healed", func(t *testing.T) {
		r := newInvRig(t, CheckerConfig{HealAt: sim.Never, ConvergeWithin: 60 * invSec})
		feed(r)
		r.expect()
	})
}

func TestInvariantAckBeforeForget(t *testing.T) {
	t.Run("forgotten after the acked terminal update", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		fin := invAgentUpd(2*invSec, "f", "t1", "a1", model.TaskFinished, 2)
		r.feed(invLaunchRec(invSec, "f", "t1", "a1", "cpus:1"), fin, invSeen(fin, 2*invSec, "master"), invSeen(fin, 2*invSec, "framework"))
		r.c.Finish(10 * invSec) // the master view is empty
		r.expect()
	})
	t.Run("forgotten without an ack", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		run := invAgentUpd(2*invSec, "f", "t1", "a1", model.TaskRunning, 1)
		r.feed(invLaunchRec(invSec, "f", "t1", "a1", "cpus:1"), run, invSeen(run, 2*invSec, "master"), invSeen(run, 2*invSec, "framework"))
		r.c.Finish(10 * invSec)
		r.expect("ack-before-forget f/t1")
	})
	t.Run("terminal by the master, not acked", func(t *testing.T) {
		// The master's own LOST is no reason to forget a task.
		r := newInvRig(t, invSafety)
		r.feed(invLaunchRec(invSec, "f", "t1", "a1", "cpus:1"),
			invMasterUpd(2*invSec, "f", "t1", "a1", model.TaskLost, model.ReasonAgentRemoved, "master"),
			invMasterUpd(2*invSec, "f", "t1", "a1", model.TaskLost, model.ReasonAgentRemoved, "framework"))
		r.w.master = nil
		r.feed(invFault(3*invSec, "partition", "", "p1"))
		r.expect("ack-before-forget f/t1")
		if r.c.Violations()[0].T != 3*invSec {
			t.Fatalf("found at %v, want at the fault", r.c.Violations()[0].T)
		}
	})
	t.Run("seen at a checkpoint, then gone", func(t *testing.T) {
		// A task the master learned without a record (from a
		// re-registering agent) is held to the invariant once a
		// checkpoint saw it.
		r := newInvRig(t, invSafety)
		r.w.master = []model.TaskView{invView("f", "t7", "a1", model.TaskRunning)}
		r.feed(invAlloc(60 * invSec))
		r.w.master = nil
		r.feed(invAlloc(120 * invSec))
		r.expect("ack-before-forget f/t7")
	})
	t.Run("excused", func(t *testing.T) {
		// Each of the paths by which Mesos's master forgets a task
		// unacknowledged.
		r := newInvRig(t, invSafety)
		r.feed(invLaunchRec(invSec, "f", "t1", "a1", "cpus:1"), // its agent unregisters
			invLaunchRec(invSec, "g", "t2", "a2", "cpus:1"), // its framework is removed
			invLaunchRec(invSec, "f", "t3", "a3", "cpus:1"), // its agent is unreachable, then pruned from the registry
			invLaunchRec(invSec, "f", "t4", "a4", "cpus:1"), // its agent's connection breaks (framework not checkpointing)
			invLaunchRec(invSec, "f", "t5", "a5", "cpus:1")) // its agent comes back from unreachable without it
		r.w.master = []model.TaskView{invView("f", "t1", "a1", model.TaskRunning), invView("g", "t2", "a2", model.TaskRunning),
			invView("f", "t3", "a3", model.TaskUnreachable), invView("f", "t4", "a4", model.TaskRunning),
			invView("f", "t5", "a5", model.TaskUnreachable)}
		r.feed(model.Record{T: 2 * invSec, Kind: model.KindAgentRemoved, Agent: "a3", Reason: "unreachable"},
			model.Record{T: 2 * invSec, Kind: model.KindAgentRemoved, Agent: "a5", Reason: "unreachable"},
			invAlloc(60*invSec))
		r.w.master = r.w.master[1:]
		r.feed(invMasterUpd(70*invSec, "f", "t1", "a1", model.TaskLost, model.ReasonAgentRemoved, "master"),
			model.Record{T: 70 * invSec, Kind: model.KindAgentRemoved, Agent: "a1", Reason: "unregistered"})
		r.w.master = r.w.master[:1]
		r.feed(model.Record{T: 71 * invSec, Kind: model.KindAgentPruned, Agent: "a3", Reason: "unreachable"},
			invMasterUpd(72*invSec, "f", "t4", "a4", model.TaskLost, model.ReasonAgentDisconnected, "master"),
			invAgentAdded(73*invSec, "a5", "cpus:1"))
		r.w.master = nil
		r.feed(model.Record{T: 80 * invSec, Kind: model.KindFrameworkRemoved, Framework: "g", Reason: "teardown"},
			invAlloc(120*invSec))
		r.c.Finish(130 * invSec)
		r.expect()
	})
	t.Run("not excused", func(t *testing.T) {
		// An unreachable agent's tasks stay with the master (they move to
		// the framework's unreachable tasks); a task seen after its
		// agent's re-admission may not vanish; a LOST for another reason
		// (the agent unreachable) is no licence to forget.
		r := newInvRig(t, invSafety)
		r.feed(invLaunchRec(invSec, "f", "t1", "a1", "cpus:1"),
			invLaunchRec(invSec, "f", "t2", "a2", "cpus:1"),
			invLaunchRec(invSec, "f", "t3", "a3", "cpus:1"))
		r.w.master = []model.TaskView{invView("f", "t1", "a1", model.TaskUnreachable), invView("f", "t2", "a2", model.TaskRunning),
			invView("f", "t3", "a3", model.TaskLost)}
		r.feed(model.Record{T: 2 * invSec, Kind: model.KindAgentRemoved, Agent: "a1", Reason: "unreachable"},
			model.Record{T: 2 * invSec, Kind: model.KindAgentRemoved, Agent: "a2", Reason: "unreachable"},
			invMasterUpd(2*invSec, "f", "t3", "a3", model.TaskLost, model.ReasonAgentRemoved, "master"),
			invAgentAdded(3*invSec, "a2", "cpus:1"),
			invAlloc(60*invSec))
		r.w.master = nil
		r.feed(invAlloc(120 * invSec))
		r.expect("ack-before-forget f/t1", "ack-before-forget f/t2", "ack-before-forget f/t3")
	})
	t.Run("master failover", func(t *testing.T) {
		// The new leader knows no task until agents re-register.
		r := newInvRig(t, invSafety)
		r.feed(invLaunchRec(invSec, "f", "t1", "a1", "cpus:1"))
		r.w.master = []model.TaskView{invView("f", "t1", "a1", model.TaskStaging)}
		r.feed(invFault(10*invSec, "master_failover", "", "leader 1 died"))
		r.w.leaders, r.w.master = 0, nil
		r.feed(invAlloc(60 * invSec))
		r.w.leaders = 1
		r.feed(invFault(70*invSec, "leader_elected", "", "leader 2"), invAlloc(120*invSec))
		r.c.Finish(130 * invSec)
		r.expect()
	})
}

func TestInvariantSingleLeader(t *testing.T) {
	r := newInvRig(t, invSafety)
	r.feed(invAlloc(invSec))
	r.w.leaders = 2
	r.feed(invAlloc(2*invSec), invAlloc(3*invSec))
	r.expect("single-leader ")
	if v := r.c.Violations()[0]; v.T != 2*invSec || v.Detail != "2 masters act as leader" {
		t.Fatalf("violation %+v", v)
	}
}

func TestInvariantResources(t *testing.T) {
	t.Run("offers and tasks fit", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		run := invAgentUpd(invSec, "f", "t1", "a1", model.TaskRunning, 1)
		fin := invAgentUpd(5*invSec, "f", "t1", "a1", model.TaskFinished, 2)
		r.feed(invAgentAdded(0, "a1", "cpus:4;mem:1024"),
			invOfferRec(invSec, "o1", "a1", "cpus:2;mem:512"), invOfferRec(invSec, "o2", "a1", "cpus:2;mem:512"),
			invLaunchRec(invSec, "f", "t1", "a1", "cpus:2;mem:512"), invOfferEnd(invSec, model.KindOfferAccepted, "o1", "a1"),
			run, invSeen(run, invSec, "master"), invSeen(run, invSec, "framework"),
			fin, invSeen(fin, 5*invSec, "master"), invSeen(fin, 5*invSec, "framework"),
			invOfferRec(6*invSec, "o3", "a1", "cpus:2;mem:512"),
			invOfferEnd(7*invSec, model.KindOfferDeclined, "o2", "a1"), invOfferEnd(7*invSec, model.KindOfferRescinded, "o3", "a1"),
			invOfferRec(8*invSec, "o4", "a1", "cpus:4;mem:1024"))
		r.c.Finish(10 * invSec) // o4 is still outstanding: fine
		r.expect()
	})
	t.Run("overcommitted", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(invAgentAdded(0, "a1", "cpus:4;mem:1024"),
			invOfferRec(invSec, "o1", "a1", "cpus:2;mem:512"),
			invLaunchRec(invSec, "f", "t1", "a1", "cpus:2;mem:512"), invOfferEnd(invSec, model.KindOfferAccepted, "o1", "a1"),
			invOfferRec(2*invSec, "o2", "a1", "cpus:3;mem:512"))
		r.expect("resources a1")
		if d, want := r.c.Violations()[0].Detail, "outstanding offers (cpus:3;mem:512) plus live tasks (cpus:2;mem:512)"+
			" exceed the agent's cpus:4;mem:1024"; d != want {
			t.Fatalf("detail %q, want %q", d, want)
		}
	})
	t.Run("overcommitted with ports and a reservation", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(invAgentAdded(0, "a1", "cpus:4;cpus(r1):1;ports:[1000-1010]"),
			invOfferRec(invSec, "o1", "a1", "cpus:3;cpus(r1):1;ports:[1000-1002]"),
			invOfferRec(2*invSec, "o2", "a1", "cpus:2;ports:[1005-1006]"))
		r.expect("resources a1")
		if d, want := r.c.Violations()[0].Detail, "outstanding offers (cpus:5;cpus(r1):1;ports:[1000-1002,1005-1006]) plus live tasks ()"+
			" exceed the agent's cpus:4;cpus(r1):1;ports:[1000-1010]"; d != want {
			t.Fatalf("detail %q, want %q", d, want)
		}
	})
	t.Run("ended twice", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(invAgentAdded(0, "a1", "cpus:4"), invOfferRec(invSec, "o1", "a1", "cpus:4"),
			invOfferEnd(2*invSec, model.KindOfferDeclined, "o1", "a1"), invOfferEnd(3*invSec, model.KindOfferRescinded, "o1", "a1"))
		r.expect("resources a1")
	})
	t.Run("a port in two offers", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(invAgentAdded(0, "a2", "cpus:4;ports:[1000-1010]"),
			invOfferRec(invSec, "o1", "a2", "cpus:1;ports:[1000-1005]"), invOfferRec(invSec, "o2", "a2", "cpus:1;ports:[1003-1008]"))
		r.expect("resources a2")
	})
	t.Run("offers die with the master", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		r.feed(invAgentAdded(0, "a1", "cpus:4"), invOfferRec(invSec, "o1", "a1", "cpus:4"),
			invFault(2*invSec, "master_failover", "", ""), invFault(12*invSec, "leader_elected", "", ""),
			invAgentAdded(13*invSec, "a1", "cpus:4"), invOfferRec(13*invSec, "o1", "a1", "cpus:4"))
		r.expect()
	})
	t.Run("UNREACHABLE tasks the agent no longer has", func(t *testing.T) {
		// The master leaves UNREACHABLE tasks out of the agent's usage
		// when it comes back; the agent then reports them DROPPED.
		r := newInvRig(t, invSafety)
		r.feed(invAgentAdded(0, "a1", "cpus:2"), invOfferRec(invSec, "o1", "a1", "cpus:2"),
			invLaunchRec(invSec, "f", "t1", "a1", "cpus:2"), invOfferEnd(invSec, model.KindOfferAccepted, "o1", "a1"),
			invMasterUpd(80*invSec, "f", "t1", "a1", model.TaskUnreachable, model.ReasonAgentRemoved, "master"))
		r.w.master = []model.TaskView{invView("f", "t1", "a1", model.TaskUnreachable)} // kept while unreachable
		r.feed(model.Record{T: 80 * invSec, Kind: model.KindAgentRemoved, Agent: "a1", Reason: "unreachable"})
		r.w.master = nil // dropped when the agent comes back without it
		r.feed(invAgentAdded(100*invSec, "a1", "cpus:2"), invOfferRec(100*invSec, "o2", "a1", "cpus:2"), invAlloc(120*invSec))
		r.expect()
	})
	t.Run("a task back from UNREACHABLE", func(t *testing.T) {
		r := newInvRig(t, invSafety)
		run := invAgentUpd(invSec, "f", "t1", "a1", model.TaskRunning, 1)
		r.feed(invAgentAdded(0, "a1", "cpus:2"), invOfferRec(invSec, "o1", "a1", "cpus:2"),
			invLaunchRec(invSec, "f", "t1", "a1", "cpus:2"), invOfferEnd(invSec, model.KindOfferAccepted, "o1", "a1"), run,
			invMasterUpd(80*invSec, "f", "t1", "a1", model.TaskUnreachable, model.ReasonAgentRemoved, "master"))
		r.w.master = []model.TaskView{invView("f", "t1", "a1", model.TaskUnreachable)}
		r.feed(model.Record{T: 80 * invSec, Kind: model.KindAgentRemoved, Agent: "a1", Reason: "unreachable"},
			invMasterUpd(100*invSec, "f", "t1", "a1", model.TaskRunning, model.ReasonReregistered, "master"),
			invAgentAdded(100*invSec, "a1", "cpus:2"), invOfferRec(100*invSec, "o2", "a1", "cpus:1"))
		r.expect("resources a1")
	})
}

// invWorld builds a world with Mesos's DRF allocator and a checker on it.
func invWorld(t *testing.T, faults *sim.Rule, cfg CheckerConfig) (*model.World, *Checker, *int) {
	t.Helper()
	w := model.NewWorld(model.WorldConfig{Seed: 7, Master: model.MasterConfig{AllocationInterval: sim.Second}},
		func(clock model.Clock, streams sim.Streams) model.Allocator {
			return policies.NewDRF(model.AllocatorConfig{AllocationInterval: sim.Second, Clock: clock, Rand: streams.Get("allocator")})
		})
	if faults != nil {
		f := sim.NewFaults(w.Streams().Get("network"))
		f.AddRule(*faults)
		w.Network().SetFaults(f)
	}
	launched := new(int)
	w.Observe(model.ObserverFunc(func(r *model.Record) {
		if r.Kind == model.KindTaskLaunched {
			*launched++
		}
	}))
	cfg.Emit = w.Emit
	c := NewChecker(w, cfg)
	w.Observe(c)
	w.Start()
	return w, c, launched
}

func TestInvariantEndToEndNoFaults(t *testing.T) {
	// HealAt 0 is a run without faults: convergence is not sampled. HealAt
	// set (with no fault happening) samples it, and finds nothing either.
	for _, heal := range []sim.Time{0, invSec} {
		t.Run(heal.String(), func(t *testing.T) { invEndToEndNoFaults(t, heal) })
	}
}

func invEndToEndNoFaults(t *testing.T, heal sim.Time) {
	w, c, launched := invWorld(t, nil, CheckerConfig{HealAt: heal, ConvergeWithin: 30 * invSec})
	var logged []model.Record
	w.Observe(model.ObserverFunc(func(r *model.Record) {
		if r.Kind == model.KindInvariantViolation {
			logged = append(logged, *r)
		}
	}))
	for _, a := range []string{"a1", "a2", "a3"} {
		if err := w.AddAgent(a, model.MustParseResources("cpus:4;mem:4096;ports:[31000-31010]")); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"h1", "h2"} {
		if err := w.AddFramework(model.FrameworkConfig{Name: f, Role: "r-" + f}, &policies.Hold{}); err != nil {
			t.Fatal(err)
		}
	}
	// Release tasks now and then, so offers keep coming and tasks end.
	for i := 1; i <= 5; i++ {
		w.At(sim.Time(i)*20*invSec, func() {
			if err := w.Release("h1", []string{"a1", "a2", "a3"}[i%3]); err != nil {
				t.Fatal(err)
			}
		})
	}
	end := 2 * sim.Minute
	w.Run(end)
	c.Finish(end)
	if *launched < 5 {
		t.Fatalf("only %d tasks launched", *launched)
	}
	switch {
	case heal == 0 && c.prev != nil:
		t.Fatalf("a convergence sample at %s in a run without faults", c.prev.t)
	case heal != 0 && (c.prev == nil || c.prev.t != end):
		t.Fatalf("no convergence sample at the end (last: %+v)", c.prev)
	}
	if vs := c.Violations(); len(vs) > 0 || len(logged) > 0 {
		t.Fatalf("violations in a run without faults: %+v (logged %d)", vs, len(logged))
	}
}

func TestInvariantEndToEndLostRunTask(t *testing.T) {
	// Every RunTask is lost for the first 30 s: the hold framework's first
	// task stays STAGING at the master and the framework, and the agent
	// never has it. Nobody reconciles, so the views never converge and
	// the task never settles.
	heal := 30 * invSec
	w, c, _ := invWorld(t, &sim.Rule{Types: []string{"RunTask"}, Loss: 1, End: heal},
		CheckerConfig{HealAt: heal, ConvergeWithin: 60 * invSec})
	if err := w.AddAgent("a1", model.MustParseResources("cpus:4;mem:4096")); err != nil {
		t.Fatal(err)
	}
	if err := w.AddFramework(model.FrameworkConfig{Name: "h", Role: "r"}, &policies.Hold{}); err != nil {
		t.Fatal(err)
	}
	end := 3 * sim.Minute
	w.Run(end)
	c.Finish(end)
	var got []string
	for _, v := range c.Violations() {
		got = append(got, v.Invariant+" "+v.Framework+"/"+v.Task+" "+v.Agent)
	}
	want := []string{"reconciliation h/h-t1 a1", "liveness h/h-t1 a1"}
	if !slices.Equal(got, want) {
		t.Fatalf("violations %q, want %q", got, want)
	}
}
