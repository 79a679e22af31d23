package model_test

import (
	"fmt"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// statusLines returns the task_status records of task as "T SEEN_BY STATE
// REASON SOURCE reliable|unreliable" lines, in the order they happened.
func (w *protoWorld) statusLines(task string) []string {
	var out []string
	for _, r := range w.records {
		if r.Kind != model.KindTaskStatus || r.Task != task {
			continue
		}
		rel := "unreliable"
		if r.UUID != 0 {
			rel = "reliable"
		}
		out = append(out, fmt.Sprintf("%v %s %s %s %s %s", r.T, r.SeenBy, r.State, r.Reason, r.Source, rel))
	}
	return out
}

// The command executor's updates (Mesos's CommandExecutor::launch in
// src/launcher/executor.cpp): TASK_STARTING, then TASK_RUNNING at the same
// instant (right after the fork), both SOURCE_EXECUTOR and reliable. They
// queue in one stream: RUNNING leaves the agent only when STARTING's
// acknowledgement is back. With a 1 ms one-way delay the hops are apart:
// the agent and the framework reach the master at 1 ms, the offer the
// framework at 2 ms, its accept the master at 3 ms and RunTask the agent
// at 4 ms, where STARTING and RUNNING are made. STARTING reaches the
// master at 5 ms and the framework at 6 ms; its acknowledgement is at the
// master at 7 ms and the agent at 8 ms, which then sends RUNNING: at the
// master at 9 ms, the framework at 10 ms.
func TestCommandExecutorStarting(t *testing.T) {
	w := newProtoWorldWith(t, model.WorldConfig{Seed: 1, Master: model.MasterConfig{AllocationInterval: sim.Second},
		NetworkDelay: sim.Millisecond})
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	p := &probe{launch: 1, duration: 10 * sim.Second}
	w.framework("f", true, p)
	w.Run(20 * sim.Second)
	expect(t, "records", w.statusLines("t1"), []string{
		"4ms agent TASK_STARTING  SOURCE_EXECUTOR reliable",
		"4ms agent TASK_RUNNING  SOURCE_EXECUTOR reliable",
		"5ms master TASK_STARTING  SOURCE_EXECUTOR reliable",
		"6ms framework TASK_STARTING  SOURCE_EXECUTOR reliable",
		"9ms master TASK_RUNNING  SOURCE_EXECUTOR reliable",
		"10ms framework TASK_RUNNING  SOURCE_EXECUTOR reliable",
		"10.004s agent TASK_FINISHED  SOURCE_EXECUTOR reliable",
		"10.005s master TASK_FINISHED  SOURCE_EXECUTOR reliable",
		"10.006s framework TASK_FINISHED  SOURCE_EXECUTOR reliable",
	})
	w.expectForgotten(t)
}

// STARTING is reliable like any executor update: when it is lost, RUNNING
// waits behind it; the retry 10 s later carries STARTING, and RUNNING
// follows once that is acknowledged. Meanwhile reconciliation answers
// STAGING, what the stream has delivered (status_update_state).
func TestCommandExecutorStartingRetried(t *testing.T) {
	w := newProtoWorld(t, 1)
	// Lose the first StatusUpdate (STARTING's first send, at 0 s).
	w.faults.AddRule(sim.Rule{Types: []string{"StatusUpdate"}, Loss: 1, End: sim.Second})
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	p := &probe{launch: 1, duration: sim.Never}
	w.framework("f", true, p)
	w.At(5*sim.Second, func() {
		w.must(w.CallFramework("f", func(d model.Driver) { d.Reconcile(nil) }))
	})
	w.Run(20 * sim.Second)
	expect(t, "framework", p.eventsOf("t1"), []string{
		"t1 TASK_STAGING REASON_RECONCILIATION SOURCE_MASTER unreliable",
		"t1 TASK_STARTING  SOURCE_EXECUTOR reliable",
		"t1 TASK_RUNNING  SOURCE_EXECUTOR reliable",
	})
	expect(t, "records", w.statusLines("t1"), []string{
		"0s agent TASK_STARTING  SOURCE_EXECUTOR reliable",
		"0s agent TASK_RUNNING  SOURCE_EXECUTOR reliable",
		"5s framework TASK_STAGING REASON_RECONCILIATION SOURCE_MASTER unreliable",
		"10s master TASK_STARTING  SOURCE_EXECUTOR reliable",
		"10s framework TASK_STARTING  SOURCE_EXECUTOR reliable",
		"10s master TASK_RUNNING  SOURCE_EXECUTOR reliable",
		"10s framework TASK_RUNNING  SOURCE_EXECUTOR reliable",
	})
}

// expectForgotten fails t unless the master forgot every task (each
// terminal update was acknowledged).
func (w *protoWorld) expectForgotten(t *testing.T) {
	t.Helper()
	if n := len(w.MasterTasks()); n != 0 {
		t.Fatalf("master still holds %d tasks after the acknowledged terminal updates", n)
	}
}
