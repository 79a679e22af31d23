package model_test

import (
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// An external framework's driver (mesosim serve) neither acknowledges
// updates nor re-subscribes on its own: with no ACKNOWLEDGE the agent
// resends its update (TaskStatusUpdateManager's 10 s retry), a new leader
// gets no SUBSCRIBE until Resubscribe, and the framework's own
// Acknowledge ends the retries.
func TestExternalFrameworkDriver(t *testing.T) {
	w := newProtoWorld(t, 1)
	msgs := w.logMessages("ACKNOWLEDGE", "SUBSCRIBE", "StatusUpdate")
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	p := &keeper{probe: &probe{launch: 1, duration: sim.Hour}}
	cfg := model.FrameworkConfig{Name: "f", Role: "r", RefuseSeconds: 1000, FailoverTimeout: sim.Hour, External: true}
	w.must(w.AddFramework(cfg, p))
	w.At(25*sim.Second, func() { w.FailMaster(sim.Second) })
	w.At(30*sim.Second, func() { w.must(w.ResubscribeFramework(cfg, true)) })
	w.At(31*sim.Second, func() {
		w.must(w.CallFramework("f", func(d model.Driver) {
			for _, u := range p.reliable {
				d.Acknowledge(u)
			}
		}))
	})
	w.Run(sim.Minute)
	expect(t, "messages", msgs.lines, []string{
		"0s SUBSCRIBE framework/f->master",
		"0s StatusUpdate agent/a1->master", // STARTING, the stream's head
		// Not acknowledged: the agent retries it, and RUNNING waits.
		"10s StatusUpdate agent/a1->master",
		// The leader dies at 25 s, a new one leads at 26 s: the agent
		// re-registers and resends; the driver sends no SUBSCRIBE.
		"26s StatusUpdate agent/a1->master",
		// The process re-subscribes with its ID: UpdateFramework makes
		// the agent resend at once.
		"30s SUBSCRIBE framework/f->master",
		"30s StatusUpdate agent/a1->master",
		// It acknowledges every copy of STARTING it was handed; then
		// RUNNING goes, and is retried in turn.
		"31s ACKNOWLEDGE framework/f->master",
		"31s ACKNOWLEDGE framework/f->master",
		"31s ACKNOWLEDGE framework/f->master",
		"31s StatusUpdate agent/a1->master",
		"41s StatusUpdate agent/a1->master",
	})
}

// keeper is a probe that keeps the reliable updates it got.
type keeper struct {
	*probe
	reliable []model.TaskStatus
}

func (k *keeper) Update(d model.Driver, st model.TaskStatus) {
	k.probe.Update(d, st)
	if st.UUID != 0 {
		k.reliable = append(k.reliable, st)
	}
}
