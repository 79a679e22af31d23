package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// The master's failure paths for agents (model/agentpaths.go), each
// against the Mesos function it follows. Lines are "TIME SEEN_BY STATE
// REASON SOURCE" for a task's task_status records, the framework's lines
// being what it received.

// statusLog returns the task_status records of a framework's task, seen
// by the master or by the framework.
func (w *protoWorld) statusLog(framework, task string) []string {
	var out []string
	for _, r := range w.records {
		if r.Kind == model.KindTaskStatus && r.Framework == framework && r.Task == task && (r.SeenBy == "master" || r.SeenBy == "framework") {
			out = append(out, fmt.Sprintf("%s %s %s %s %s", r.T, r.SeenBy, r.State, r.Reason, r.Source))
		}
	}
	return out
}

// kinds returns the records of the given kinds as "TIME KIND AGENT REASON".
func (w *protoWorld) kinds(kinds ...string) []string {
	var out []string
	for _, r := range w.records {
		for _, k := range kinds {
			if r.Kind == k {
				out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", r.T, r.Kind, r.Agent, r.Reason)))
			}
		}
	}
	return out
}

// fw adds a framework with its own options and a probe launching n tasks.
func (w *protoWorld) fw(name string, pa, checkpoint bool, n int) *probe {
	p := &probe{launch: n, duration: sim.Never}
	w.must(w.AddFramework(model.FrameworkConfig{Name: name, Role: "r", PartitionAware: pa, Checkpoint: checkpoint,
		RefuseSeconds: 1000, FailoverTimeout: sim.Hour}, p))
	return p
}

// reconcile asks the master about one task (explicit) or all (task "").
func (w *protoWorld) reconcile(at sim.Time, framework, task, agent string) {
	w.At(at, func() {
		w.must(w.CallFramework(framework, func(d model.Driver) {
			if task == "" {
				d.Reconcile(nil)
				return
			}
			d.Reconcile([]model.TaskRef{{Task: task, Agent: agent}})
		}))
	})
}

// Item 1 (Master::exited -> disconnect, removeFramework(Slave*,
// Framework*)): a crashed agent is noticed at once. The task of the
// framework that does not checkpoint is LOST, REASON_SLAVE_DISCONNECTED,
// at the crash, whether partition-aware or not, and forgotten; the
// checkpointing framework's task is left alone until the pings run out
// (the crash is at 10 s, the last answered ping at 0 s + 15 s... the
// fifth unanswered one marks the agent unreachable), then it is
// UNREACHABLE (LOST for a framework that is not partition-aware).
func TestAgentExitedDropsNonCheckpointingTasks(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorld(t, 1)
		w.must(w.AddAgent("a1", model.MustParseResources("cpus:2;mem:128")))
		nc := w.fw("nc", pa, false, 1)
		ck := w.fw("ck", pa, true, 1)
		w.At(10*sim.Second, func() { w.must(w.CrashAgent("a1")) })
		w.Run(5 * sim.Minute)
		unreach := "TASK_LOST"
		if pa {
			unreach = "TASK_UNREACHABLE"
		}
		what := fmt.Sprintf("partition-aware=%v", pa)
		_, _ = nc, ck
		expect(t, what+" nc", w.statusLog("nc", "t1"), []string{
			"1s master TASK_STARTING  SOURCE_EXECUTOR", "1s framework TASK_STARTING  SOURCE_EXECUTOR", "1s master TASK_RUNNING  SOURCE_EXECUTOR", "1s framework TASK_RUNNING  SOURCE_EXECUTOR",
			"10s master TASK_LOST REASON_SLAVE_DISCONNECTED SOURCE_MASTER", "10s framework TASK_LOST REASON_SLAVE_DISCONNECTED SOURCE_MASTER",
		})
		expect(t, what+" ck", w.statusLog("ck", "t1"), []string{
			"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR", "0s framework TASK_RUNNING  SOURCE_EXECUTOR",
			"1m30s master " + unreach + " REASON_SLAVE_REMOVED SOURCE_MASTER", "1m30s framework " + unreach + " REASON_SLAVE_REMOVED SOURCE_MASTER",
		})
		expect(t, what+" agent", w.kinds(model.KindAgentDisconnected, model.KindAgentRemoved, model.KindAgentReconnected), []string{
			"10s agent_disconnected a1", "1m30s agent_removed a1 unreachable",
		})
		// sendSlaveLost: every connected framework hears of the agent.
		expect(t, what+" nc failure", nc.eventsOf("FAILURE"), []string{"FAILURE a1"})
		expect(t, what+" ck failure", ck.eventsOf("FAILURE"), []string{"FAILURE a1"})
	}
}

// Item 1: an agent that restarts within the ping budget re-registers as a
// known agent (___reregisterSlave): it is reconnected and offered again,
// the checkpointing framework's task runs on with no update sent, and the
// non-checkpointing framework's task (dropped by master and agent alike)
// is not reported back.
func TestAgentExitedThenReconnects(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:2;mem:128")))
	w.fw("nc", true, false, 1)
	w.fw("ck", true, true, 1)
	w.At(10*sim.Second, func() { w.must(w.CrashAgent("a1")) })
	w.At(20*sim.Second, func() { w.must(w.RestartAgent("a1", false)) })
	w.Run(5 * sim.Minute)
	expect(t, "agent", w.kinds(model.KindAgentDisconnected, model.KindAgentRemoved, model.KindAgentReconnected), []string{
		"10s agent_disconnected a1",
		"20s agent_reconnected a1",
	})
	expect(t, "ck", w.statusLog("ck", "t1"), []string{
		"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
		"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
	})
	expect(t, "nc", w.statusLog("nc", "t1"), []string{
		"1s master TASK_STARTING  SOURCE_EXECUTOR", "1s framework TASK_STARTING  SOURCE_EXECUTOR", "1s master TASK_RUNNING  SOURCE_EXECUTOR",
		"1s framework TASK_RUNNING  SOURCE_EXECUTOR",
		"10s master TASK_LOST REASON_SLAVE_DISCONNECTED SOURCE_MASTER",
		"10s framework TASK_LOST REASON_SLAVE_DISCONNECTED SOURCE_MASTER",
	})
	if got := len(w.MasterTasks()); got != 1 {
		t.Fatalf("master holds %d tasks, want the checkpointing framework's one", got)
	}
}

// Item 1, MESOS-6286: an agent whose connection broke and that answers
// pings but never re-registers (here every ReregisterSlave is lost) is
// marked unreachable when agent_reregister_timeout (10 min) runs out.
func TestAgentReregisterTimeoutBackstop(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.faults.AddRule(sim.Rule{Types: []string{"ReregisterSlave"}, Loss: 1, Start: 0, End: sim.Hour})
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:2;mem:128")))
	w.fw("ck", false, true, 1)
	w.At(10*sim.Second, func() { w.must(w.CrashAgent("a1")) })
	w.At(20*sim.Second, func() { w.must(w.RestartAgent("a1", false)) })
	w.Run(15 * sim.Minute)
	expect(t, "agent", w.kinds(model.KindAgentDisconnected, model.KindAgentRemoved), []string{
		"10s agent_disconnected a1",
		"10m10s agent_removed a1 reregister_timeout",
	})
	expect(t, "ck", w.statusLog("ck", "t1"), []string{
		"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
		"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
		"10m10s master TASK_LOST REASON_SLAVE_REMOVED SOURCE_MASTER",
		"10m10s framework TASK_LOST REASON_SLAVE_REMOVED SOURCE_MASTER",
	})
}

// Item 2 (unregisterSlave -> _removeSlave): an agent that unregisters
// takes its tasks with it as TASK_LOST, REASON_SLAVE_REMOVED, for
// partition-aware frameworks too (never TASK_GONE).
func TestRemoveAgentLostForEveryone(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorld(t, 1)
		w.must(w.AddAgent("a1", model.MustParseResources("cpus:2;mem:128")))
		p := w.fw("f", pa, true, 1)
		w.At(10*sim.Second, func() { w.must(w.RemoveAgent("a1")) })
		w.Run(time1m)
		what := fmt.Sprintf("partition-aware=%v", pa)
		expect(t, what, w.statusLog("f", "t1"), []string{
			"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
			"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
			"10s master TASK_LOST REASON_SLAVE_REMOVED SOURCE_MASTER",
			"10s framework TASK_LOST REASON_SLAVE_REMOVED SOURCE_MASTER",
		})
		expect(t, what+" failure", p.eventsOf("FAILURE"), []string{"FAILURE a1"})
		if got := len(w.MasterTasks()); got != 0 {
			t.Fatalf("%s: master holds %d tasks of a removed agent", what, got)
		}
	}
}

const time1m = sim.Minute

// Item 2 (markAgentGone -> Master::markGone -> __removeSlave with no
// unreachable time): TASK_GONE_BY_OPERATOR, REASON_SLAVE_REMOVED_BY_OPERATOR
// for a partition-aware framework, TASK_LOST, REASON_SLAVE_REMOVED for the
// other; the agent is shut down and cannot come back.
func TestMarkAgentGone(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:2;mem:128")))
	w.fw("pa", true, true, 1)
	w.fw("np", false, true, 1)
	w.At(10*sim.Second, func() { w.must(w.MarkAgentGone("a1")) })
	w.Run(5 * sim.Minute)
	expect(t, "pa", w.statusLog("pa", "t1"), []string{
		"1s master TASK_STARTING  SOURCE_EXECUTOR", "1s framework TASK_STARTING  SOURCE_EXECUTOR", "1s master TASK_RUNNING  SOURCE_EXECUTOR",
		"1s framework TASK_RUNNING  SOURCE_EXECUTOR",
		"10s master TASK_GONE_BY_OPERATOR REASON_SLAVE_REMOVED_BY_OPERATOR SOURCE_MASTER",
		"10s framework TASK_GONE_BY_OPERATOR REASON_SLAVE_REMOVED_BY_OPERATOR SOURCE_MASTER",
	})
	expect(t, "np", w.statusLog("np", "t1"), []string{
		"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
		"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
		"10s master TASK_LOST REASON_SLAVE_REMOVED SOURCE_MASTER",
		"10s framework TASK_LOST REASON_SLAVE_REMOVED SOURCE_MASTER",
	})
	if !w.Agent("a1").Down() {
		t.Fatal("the agent marked gone still runs (ShutdownMessage not obeyed)")
	}
	expect(t, "agent", w.kinds(model.KindAgentRemoved, model.KindAgentAdded), []string{
		"0s agent_added a1",
		"10s agent_removed a1 gone",
	})
}

// Item 2: an unreachable agent marked gone (Master::markGone, the
// unreachable branch): its unreachable tasks become GONE_BY_OPERATOR; when
// the partition heals the agent's re-registration is refused with a
// ShutdownMessage.
func TestMarkUnreachableAgentGone(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:2;mem:128")))
	w.fw("pa", true, true, 1)
	w.partition("a1", 10*sim.Second, 3*sim.Minute)
	w.At(2*sim.Minute, func() { w.must(w.MarkAgentGone("a1")) })
	w.Run(10 * sim.Minute)
	expect(t, "pa", w.statusLog("pa", "t1"), []string{
		"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
		"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
		"1m30s master TASK_UNREACHABLE REASON_SLAVE_REMOVED SOURCE_MASTER",
		"1m30s framework TASK_UNREACHABLE REASON_SLAVE_REMOVED SOURCE_MASTER",
		"2m0s master TASK_GONE_BY_OPERATOR REASON_SLAVE_REMOVED_BY_OPERATOR SOURCE_MASTER",
		"2m0s framework TASK_GONE_BY_OPERATOR REASON_SLAVE_REMOVED_BY_OPERATOR SOURCE_MASTER",
	})
	if !w.Agent("a1").Down() {
		t.Fatal("the gone agent was not shut down when it came back")
	}
	expect(t, "agent", w.kinds(model.KindAgentRemoved, model.KindAgentAdded), []string{
		"0s agent_added a1",
		"1m30s agent_removed a1 unreachable",
		"2m0s agent_removed a1 gone",
	})
}

// Item 3 (Master::reconcile loops over framework->tasks): implicit
// reconciliation does not answer a task of an unreachable agent; explicit
// reconciliation answers UNREACHABLE (LOST if not partition-aware).
func TestReconcileUnreachableTask(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorld(t, 1)
		w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
		w.must(w.AddAgent("a2", model.MustParseResources("cpus:1;mem:64")))
		w.fw("f", pa, true, 2)
		w.partition("a1", 10*sim.Second, sim.Hour)
		w.reconcile(3*sim.Minute, "f", "", "")
		w.reconcile(4*sim.Minute, "f", "t1", "a1")
		w.Run(5 * sim.Minute)
		what := fmt.Sprintf("partition-aware=%v", pa)
		unreach := "TASK_LOST"
		if pa {
			unreach = "TASK_UNREACHABLE"
		}
		expect(t, what+" t1", w.statusLog("f", "t1"), []string{
			"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
			"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
			"1m30s master " + unreach + " REASON_SLAVE_REMOVED SOURCE_MASTER",
			"1m30s framework " + unreach + " REASON_SLAVE_REMOVED SOURCE_MASTER",
			"4m0s framework " + unreach + " REASON_RECONCILIATION SOURCE_MASTER",
		})
		expect(t, what+" t2", w.statusLog("f", "t2"), []string{
			"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
			"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
			"3m0s framework TASK_RUNNING REASON_RECONCILIATION SOURCE_MASTER",
		})
	}
}

// Item 4 (__reregisterSlave): an agent back from unreachable has every
// task state it reports forwarded, terminal included, with
// REASON_SLAVE_REREGISTERED, before SlaveReregistered; its own stream then
// delivers the reliable FINISHED.
func TestReregisterFromUnreachableForwardsTerminal(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	p := &probe{launch: 1, duration: 30 * sim.Second}
	w.framework("f", true, p)
	w.partition("a1", 10*sim.Second, 3*sim.Minute)
	w.Run(10 * sim.Minute)
	expect(t, "t1", w.statusLog("f", "t1"), []string{
		"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
		"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
		"1m30s master TASK_UNREACHABLE REASON_SLAVE_REMOVED SOURCE_MASTER",
		"1m30s framework TASK_UNREACHABLE REASON_SLAVE_REMOVED SOURCE_MASTER",
		"3m19.18174s master TASK_FINISHED REASON_SLAVE_REREGISTERED SOURCE_MASTER",
		"3m19.18174s framework TASK_FINISHED REASON_SLAVE_REREGISTERED SOURCE_MASTER",
		"3m19.18174s master TASK_FINISHED  SOURCE_EXECUTOR",
		"3m19.18174s framework TASK_FINISHED  SOURCE_EXECUTOR",
	})
	if got := len(w.MasterTasks()); got != 0 {
		t.Fatalf("master holds %d tasks after the acknowledged FINISHED", got)
	}
}

// Item 4: an agent re-registering with a new leader that recovered it
// from the registry (__reregisterSlave, slaves.recovered) has its tasks
// added with no update to the framework.
func TestReregisterRecoveredAgentSendsNothing(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	w.framework("f", true, &probe{launch: 1, duration: sim.Never})
	w.At(10*sim.Second, func() { w.FailMaster(10 * sim.Second) })
	w.Run(5 * sim.Minute)
	expect(t, "t1", w.statusLog("f", "t1"), []string{
		"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
		"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
	})
	if got := len(w.MasterTasks()); got != 1 {
		t.Fatalf("the new leader holds %d tasks, want the re-registered one", got)
	}
}

// Item 5: after a failover, an agent the new leader marked unreachable
// (it missed agent_reregister_timeout: recoveredSlavesTimeout) and that
// re-registers later is an agent not in the recovered set: its task is
// reported with its state and REASON_SLAVE_REREGISTERED.
func TestReregisterAfterFailoverTimeout(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	p := &probe{launch: 1, duration: sim.Never}
	w.framework("f", true, p)
	w.partition("a1", 5*sim.Second, 15*sim.Minute)
	w.At(10*sim.Second, func() { w.FailMaster(10 * sim.Second) })
	w.Run(20 * sim.Minute)
	expect(t, "t1", w.statusLog("f", "t1"), []string{
		"0s master TASK_STARTING  SOURCE_EXECUTOR", "0s framework TASK_STARTING  SOURCE_EXECUTOR", "0s master TASK_RUNNING  SOURCE_EXECUTOR",
		"0s framework TASK_RUNNING  SOURCE_EXECUTOR",
		"15m10.263994s master TASK_RUNNING REASON_SLAVE_REREGISTERED SOURCE_MASTER",
		"15m10.263994s framework TASK_RUNNING REASON_SLAVE_REREGISTERED SOURCE_MASTER",
	})
	expect(t, "agent", w.kinds(model.KindAgentRemoved, model.KindAgentAdded), []string{
		"0s agent_added a1",
		"10m20s agent_removed a1 reregister_timeout",
		"15m10.263994s agent_added a1",
	})
	expect(t, "failure", p.eventsOf("FAILURE"), []string{
		"FAILURE a1",
	})
}

// Item 6: an agent back from unreachable without a task it had (its
// RunTask was lost) is sent no reconciliation for it (only registered
// agents are, ___reregisterSlave): nothing is sent at once, the master
// drops the task, and a later explicit reconciliation answers TASK_GONE
// (TASK_LOST if not partition-aware).
func TestReregisterWithoutTaskSendsNothing(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorld(t, 1)
		w.faults.AddRule(sim.Rule{Types: []string{"RunTask"}, Loss: 1, End: 5 * sim.Second})
		w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
		w.framework("f", pa, &probe{launch: 1, duration: sim.Never})
		w.partition("a1", 10*sim.Second, 100*sim.Second)
		w.reconcile(5*sim.Minute, "f", "t1", "a1")
		w.Run(10 * sim.Minute)
		unreach, gone := "TASK_LOST", "TASK_LOST"
		if pa {
			unreach, gone = "TASK_UNREACHABLE", "TASK_GONE"
		}
		expect(t, fmt.Sprintf("partition-aware=%v", pa), w.statusLog("f", "t1"), []string{
			"1m30s master " + unreach + " REASON_SLAVE_REMOVED SOURCE_MASTER",
			"1m30s framework " + unreach + " REASON_SLAVE_REMOVED SOURCE_MASTER",
			"5m0s framework " + gone + " REASON_RECONCILIATION SOURCE_MASTER",
		})
		if got := w.MasterTasks(); len(got) != 0 {
			t.Fatalf("master still holds %v", got)
		}
	}
}

// Item 8 (doRegistryGc): an unreachable agent older than
// registry_max_agent_age is pruned at the next GC; explicit reconciliation
// of its task then answers TASK_UNKNOWN (TASK_LOST if not partition-aware)
// where it answered TASK_UNREACHABLE before.
func TestRegistryGCByAge(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorldCfg(t, 1, model.MasterConfig{AllocationInterval: sim.Second,
			RegistryGCInterval: sim.Minute, RegistryMaxAgentAge: 2 * sim.Minute})
		w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
		w.framework("f", pa, &probe{launch: 1, duration: sim.Never})
		w.partition("a1", 10*sim.Second, sim.Hour)
		w.reconcile(3*sim.Minute, "f", "t1", "a1")
		w.reconcile(5*sim.Minute, "f", "t1", "a1")
		w.Run(6 * sim.Minute)
		unreach, unknown := "TASK_LOST", "TASK_LOST"
		if pa {
			unreach, unknown = "TASK_UNREACHABLE", "TASK_UNKNOWN"
		}
		what := fmt.Sprintf("partition-aware=%v", pa)
		got := w.statusLog("f", "t1")
		expect(t, what, got[len(got)-2:], []string{
			"3m0s framework " + unreach + " REASON_RECONCILIATION SOURCE_MASTER",
			"5m0s framework " + unknown + " REASON_RECONCILIATION SOURCE_MASTER",
		})
		expect(t, what+" agent", w.kinds(model.KindAgentRemoved, model.KindAgentPruned), []string{
			"1m30s agent_removed a1 unreachable",
			"4m0s agent_pruned a1 unreachable",
		})
		if got := w.MasterTasks(); len(got) != 0 {
			t.Fatalf("%s: master still holds %v after the GC", what, got)
		}
	}
}

// Item 8: beyond registry_max_agent_count the oldest unreachable agents
// are pruned first.
func TestRegistryGCByCount(t *testing.T) {
	w := newProtoWorldCfg(t, 1, model.MasterConfig{AllocationInterval: sim.Second,
		RegistryGCInterval: sim.Minute, RegistryMaxAgentCount: 1})
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	w.must(w.AddAgent("a2", model.MustParseResources("cpus:1;mem:64")))
	w.partition("a1", 10*sim.Second, sim.Hour)
	w.partition("a2", 40*sim.Second, sim.Hour)
	w.Run(5 * sim.Minute)
	expect(t, "agents", w.kinds(model.KindAgentRemoved, model.KindAgentPruned), []string{
		"1m30s agent_removed a1 unreachable",
		"2m0s agent_removed a2 unreachable",
		"3m0s agent_pruned a1 unreachable",
	})
	if _, ok := w.Master().Registry().Unreachable["a2"]; !ok {
		t.Fatal("the newer unreachable agent was pruned too")
	}
}
