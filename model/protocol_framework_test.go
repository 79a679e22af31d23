package model_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// msgLog is a fault model that logs every message of some types as
// "T TYPE FROM->TO" and passes everything on to inner.
type msgLog struct {
	inner sim.FaultModel
	types []string
	lines []string
	// inspect, when set, sees every logged message.
	inspect func(e sim.Envelope)
}

func (l *msgLog) Route(now sim.Time, e sim.Envelope) sim.Route {
	if slices.Contains(l.types, e.Msg.Type()) {
		l.lines = append(l.lines, fmt.Sprintf("%v %s %s->%s", now, e.Msg.Type(), e.From, e.To))
		if l.inspect != nil {
			l.inspect(e)
		}
	}
	return l.inner.Route(now, e)
}

// logMessages makes w log the messages of types.
func (w *protoWorld) logMessages(types ...string) *msgLog {
	l := &msgLog{inner: w.faults, types: types}
	w.Network().SetFaults(l)
	return l
}

// Item 7 of issue 10: a re-subscription ends with UpdateFrameworkMessage
// to every registered agent (Master::_subscribe -> sendFrameworkUpdates),
// and an agent that knows the framework resends its pending updates at
// once (Slave::updateFramework -> TaskStatusUpdateManager::resume). The
// framework fails over at 5 s; its task finishes at 10 s, and the master
// cannot forward the update (no scheduler connected); the agent retries at
// 20 s and would next at 40 s, but the scheduler is back at 25 s and the
// update reaches it then. a2, with no task of the framework, gets the
// message and sends nothing. The first subscription sends none.
func TestResubscribeResumesUpdates(t *testing.T) {
	w := newProtoWorld(t, 1)
	msgs := w.logMessages("UpdateFramework", "StatusUpdate")
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	w.must(w.AddAgent("a2", model.MustParseResources("cpus:1;mem:64")))
	p := &probe{launch: 1, duration: 10 * sim.Second}
	w.must(w.AddFramework(model.FrameworkConfig{Name: "f", Role: "r", PartitionAware: true, RefuseSeconds: 1000,
		FailoverTimeout: sim.Hour}, p))
	w.At(5*sim.Second, func() { w.must(w.DisconnectFramework("f")) })
	w.At(25*sim.Second, func() { w.must(w.ReconnectFramework("f")) })
	w.Run(sim.Minute)
	expect(t, "framework", p.eventsOf("t1"), []string{
		"t1 TASK_STARTING  SOURCE_EXECUTOR reliable",
		"t1 TASK_RUNNING  SOURCE_EXECUTOR reliable",
		"t1 TASK_FINISHED  SOURCE_EXECUTOR reliable",
	})
	var ends []string
	for _, l := range w.statusLines("t1") {
		if strings.Contains(l, " TASK_FINISHED ") {
			ends = append(ends, l)
		}
	}
	expect(t, "TASK_FINISHED records", ends, []string{
		"10s agent TASK_FINISHED  SOURCE_EXECUTOR reliable",
		"10s master TASK_FINISHED  SOURCE_EXECUTOR reliable",
		"20s master TASK_FINISHED  SOURCE_EXECUTOR reliable",
		"25s master TASK_FINISHED  SOURCE_EXECUTOR reliable",
		"25s framework TASK_FINISHED  SOURCE_EXECUTOR reliable",
	})
	// STARTING and RUNNING at 0 s, FINISHED at 10 s, retried at 20 s and
	// resumed at 25 s (not 40 s); UpdateFramework only at 25 s.
	expect(t, "messages", msgs.lines, []string{
		"0s StatusUpdate agent/a1->master",
		"0s StatusUpdate agent/a1->master",
		"10s StatusUpdate agent/a1->master",
		"20s StatusUpdate agent/a1->master",
		"25s UpdateFramework master->agent/a1",
		"25s UpdateFramework master->agent/a2",
		"25s StatusUpdate agent/a1->master",
	})
	w.expectForgotten(t)
}

// sendFrameworkUpdates goes to registered agents only: a2, cut off from
// 5 s and unreachable from 90 s, gets no UpdateFramework when the
// framework re-subscribes at 110 s; the first subscription sent none.
func TestResubscribeSkipsUnreachableAgents(t *testing.T) {
	w := newProtoWorld(t, 1)
	msgs := w.logMessages("UpdateFramework")
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	w.must(w.AddAgent("a2", model.MustParseResources("cpus:1;mem:64")))
	w.partition("a2", 5*sim.Second, sim.Never)
	w.must(w.AddFramework(model.FrameworkConfig{Name: "f", Role: "r", RefuseSeconds: 1000, FailoverTimeout: sim.Hour},
		&probe{launch: -1}))
	w.At(100*sim.Second, func() { w.must(w.DisconnectFramework("f")) })
	w.At(110*sim.Second, func() { w.must(w.ReconnectFramework("f")) })
	w.Run(2 * sim.Minute)
	expect(t, "messages", msgs.lines, []string{"1m50s UpdateFramework master->agent/a1"})
}
