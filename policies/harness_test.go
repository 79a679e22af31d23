package policies

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// harness is a world with a DRF master whose offers are recorded.
type harness struct {
	t      *testing.T
	w      *model.World
	offers []string
}

func newHarness(t *testing.T, seed uint64, excluded ...string) *harness {
	h := &harness{t: t}
	h.w = model.NewWorld(model.WorldConfig{Seed: seed, Master: model.MasterConfig{AllocationInterval: sim.Second}},
		func(clock model.Clock, streams sim.Streams) model.Allocator {
			return NewDRF(model.AllocatorConfig{AllocationInterval: sim.Second, Clock: clock, Rand: streams.Get("allocator"),
				FairSharingExcluded: excluded,
				MinAllocatable:      []model.Resources{model.MustParseResources("cpus:0.01"), model.MustParseResources("mem:32")}})
		})
	h.w.Observe(model.ObserverFunc(func(r *model.Record) {
		if r.Kind == model.KindOffer {
			h.offers = append(h.offers, fmt.Sprintf("%s:%s:%s", r.Framework, r.Agent, r.Resources))
		}
	}))
	h.w.Start()
	return h
}

func (h *harness) agent(name, res string) {
	h.t.Helper()
	if err := h.w.AddAgent(name, model.MustParseResources(res)); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) framework(name, role string, s model.Scheduler) {
	h.t.Helper()
	if err := h.w.AddFramework(model.FrameworkConfig{Name: name, Role: role, RefuseSeconds: 5}, s); err != nil {
		h.t.Fatal(err)
	}
}

// step runs the loop to t and returns the offers made since the last step.
func (h *harness) step(t sim.Time) string {
	h.w.Run(t)
	out := strings.Join(h.offers, " ")
	h.offers = nil
	return out
}

func TestHarnessUnreservedDRF(t *testing.T) {
	h := newHarness(t, 1)
	h.agent("a1", "cpus:2;mem:1024")
	h.framework("f1", "r1", Keep{})
	if got, want := h.step(0), "f1:a1:cpus:2;mem:1024"; got != want {
		t.Fatalf("step 1: got %q want %q", got, want)
	}
	h.framework("f2", "r2", Keep{})
	h.agent("a2", "cpus:1;mem:512")
	if got, want := h.step(1), "f2:a2:cpus:1;mem:512"; got != want {
		t.Fatalf("step 2: got %q want %q", got, want)
	}
}
