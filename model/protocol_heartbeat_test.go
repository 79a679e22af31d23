package model_test

import (
	"fmt"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// beatProbe is a probe that also takes HEARTBEAT events.
type beatProbe struct {
	probe
	beats []sim.Time
}

func (p *beatProbe) Heartbeat(d model.Driver) { p.beats = append(p.beats, d.Now()) }

// heartbeatLines returns the heartbeat records as "T FRAMEWORK SEEN_BY"
// lines and the dropped HEARTBEAT messages as "T dropped TYPE TO" lines.
func (w *protoWorld) heartbeatLines() []string {
	var out []string
	for _, r := range w.records {
		switch {
		case r.Kind == model.KindHeartbeat:
			out = append(out, fmt.Sprintf("%v %s %s", r.T, r.Framework, r.SeenBy))
		case r.Kind == model.KindMessageDropped && r.Type == "HEARTBEAT":
			out = append(out, fmt.Sprintf("%v dropped %s %s", r.T, r.Type, r.To))
		}
	}
	return out
}

// Item 9 of issue 10: SUBSCRIBED carries heartbeat_interval_seconds (15 s)
// and starts the heartbeater: a HEARTBEAT at once, then every 15 s
// (Framework::heartbeat, ResponseHeartbeater with no delay). A framework
// failover stops it (Framework::disconnect); the re-subscription at 50 s
// restarts it from there. Heartbeats are messages: a loss rule over
// [14 s, 16 s) drops the one at 15 s. A HeartbeatScheduler is called for
// each that arrives.
func TestHeartbeats(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.faults.AddRule(sim.Rule{Types: []string{"HEARTBEAT"}, Loss: 1, Start: 14 * sim.Second, End: 16 * sim.Second})
	msgs := w.logMessages("SUBSCRIBED")
	var intervals []sim.Time
	msgs.inspect = func(e sim.Envelope) {
		if s, ok := e.Msg.(model.Subscribed); ok {
			intervals = append(intervals, s.HeartbeatInterval)
		}
	}
	p := &beatProbe{probe: probe{launch: -1}}
	w.must(w.AddFramework(model.FrameworkConfig{Name: "f", Role: "r", FailoverTimeout: sim.Hour}, p))
	w.At(40*sim.Second, func() { w.must(w.DisconnectFramework("f")) })
	w.At(50*sim.Second, func() { w.must(w.ReconnectFramework("f")) })
	w.Run(70 * sim.Second)
	expect(t, "heartbeat records", w.heartbeatLines(), []string{
		"0s f framework",
		"15s dropped HEARTBEAT framework/f",
		"30s f framework",
		"50s f framework",
		"1m5s f framework",
	})
	expect(t, "scheduler calls", []string{fmt.Sprint(p.beats)}, []string{"[0s 30s 50s 1m5s]"})
	expect(t, "SUBSCRIBED", msgs.lines, []string{"0s SUBSCRIBED master->framework/f", "50s SUBSCRIBED master->framework/f"})
	expect(t, "heartbeat_interval_seconds", []string{fmt.Sprint(intervals)}, []string{"[15s 15s]"})
}

// unreachable_time: the UNREACHABLE (LOST for a framework that is not
// partition-aware) of Master::__removeSlave carries the time the agent was
// marked unreachable, as does an explicit reconciliation of a task on that
// agent (Master::reconcile case 4, from the registry).
func TestUnreachableTime(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorld(t, 1)
		w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
		p := &probe{launch: 1, duration: sim.Never}
		w.framework("f", pa, p)
		w.partition("a1", 10*sim.Second, sim.Never)
		w.At(95*sim.Second, func() {
			w.must(w.CallFramework("f", func(d model.Driver) {
				d.Reconcile([]model.TaskRef{{Task: "ghost", Agent: "a1"}})
			}))
		})
		w.Run(100 * sim.Second)
		state := "TASK_UNREACHABLE"
		if !pa {
			state = "TASK_LOST"
		}
		var got []string
		for _, r := range w.records {
			if r.Kind == model.KindTaskStatus && r.Source == model.SourceMaster {
				got = append(got, fmt.Sprintf("%v %s %s %s %s unreachable_time=%v", r.T, r.Task, r.SeenBy, r.State, r.Reason, r.UnreachableTime))
			}
		}
		expect(t, fmt.Sprintf("partition-aware=%v", pa), got, []string{
			"1m30s t1 master " + state + " REASON_SLAVE_REMOVED unreachable_time=1m30s",
			"1m30s t1 framework " + state + " REASON_SLAVE_REMOVED unreachable_time=1m30s",
			"1m35s ghost framework " + state + " REASON_RECONCILIATION unreachable_time=1m30s",
		})
	}
}
