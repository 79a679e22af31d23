package policies

import (
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

func newPolicy(t *testing.T, name string, cfg model.AllocatorConfig) (*Hierarchical, *sim.Loop) {
	t.Helper()
	loop := sim.NewLoop()
	cfg.AllocationInterval = sim.Second
	cfg.Clock = loop
	cfg.Rand = sim.NewStreams(1).Get("allocator")
	a, err := NewAllocator(name, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a.(*Hierarchical), loop
}

func quota(t *testing.T, guarantee, limit string) model.Quota {
	t.Helper()
	g, err := model.ParseQuantities(guarantee)
	if err != nil {
		t.Fatal(err)
	}
	l, err := model.ParseQuantities(limit)
	if err != nil {
		t.Fatal(err)
	}
	return model.Quota{Guarantee: g, Limit: l}
}

func grantsOf(g []model.Grant) map[string]string {
	out := map[string]string{}
	for _, x := range g {
		out[x.Agent] = x.Framework + " " + x.Resources.String()
	}
	return out
}

// The reference's quota guarantee example: qr has guarantee = limit =
// cpus:2;mem:1024 with f1; f2 is in a role without quota (named so that DRF
// alone would serve it first). Both agents go to f1 in the quota stage.
// f1 declines a2 with a 2 s filter: at the next cycle nothing is offered,
// because a2 is held as qr's headroom; once the filter expires f1 gets a2.
func TestQuotaGuaranteeBeforeFairShare(t *testing.T) {
	h, loop := newPolicy(t, "drf", model.AllocatorConfig{
		Quota: map[string]model.Quota{"qr": quota(t, "cpus:2;mem:1024", "cpus:2;mem:1024")}})
	h.AddAgent("a1", model.MustParseResources("cpus:1;mem:512"), nil)
	h.AddAgent("a2", model.MustParseResources("cpus:1;mem:512"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "f1", Role: "qr"})
	h.AddFramework(model.FrameworkInfo{Name: "f2", Role: "a-no-quota"})
	g := grantsOf(h.Allocate([]string{"a1", "a2"}))
	if g["a1"] != "f1 cpus:1;mem:512" || g["a2"] != "f1 cpus:1;mem:512" {
		t.Fatalf("t=0 grants %v, want both agents to f1", g)
	}
	h.Recover("f1", "a2", model.MustParseResources("cpus:1;mem:512"), 2*sim.Second)
	loop.Run(sim.Second)
	if g := h.Allocate([]string{"a1", "a2"}); len(g) != 0 {
		t.Fatalf("t=1s grants %v, want none (a2 held as qr's headroom)", grantsOf(g))
	}
	loop.Run(2 * sim.Second)
	g = grantsOf(h.Allocate([]string{"a1", "a2"}))
	if len(g) != 1 || g["a2"] != "f1 cpus:1;mem:512" {
		t.Fatalf("t=2s grants %v, want a2 to f1", g)
	}
}

func TestQuotaZeroLimitBlocksRole(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{
		MinAllocatable: []model.Resources{model.MustParseResources("cpus:0.01"), model.MustParseResources("mem:32")},
		Quota:          map[string]model.Quota{"blocked": quota(t, "", "cpus:0;mem:0")}})
	h.AddAgent("a1", model.MustParseResources("cpus:4;mem:4096"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "f", Role: "blocked"})
	if g := h.Allocate([]string{"a1"}); len(g) != 0 {
		t.Fatalf("a role with a zero limit got %v", grantsOf(g))
	}
	h.SetQuota("blocked", model.Quota{})
	if g := h.Allocate([]string{"a1"}); len(g) != 1 {
		t.Fatalf("after removing the quota: %v", grantsOf(g))
	}
}

func TestQuotaHeadroomForRoleWithNoFramework(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{
		Quota: map[string]model.Quota{"later": quota(t, "cpus:1;mem:512", "")}})
	h.AddAgent("a1", model.MustParseResources("cpus:1;mem:512"), nil)
	h.AddAgent("a2", model.MustParseResources("cpus:1;mem:512"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "f2", Role: "other"})
	g := h.Allocate([]string{"a1", "a2"})
	if len(g) != 1 {
		t.Fatalf("grants %v: want exactly one agent, the other held back for role later", grantsOf(g))
	}
	// Whichever agent is held back, it stays held back.
	if g := h.Allocate([]string{"a1", "a2"}); len(g) != 0 {
		t.Fatalf("headroom given away: %v", grantsOf(g))
	}
}

func TestQuotaLimitChopsOffer(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{
		Quota: map[string]model.Quota{"ql": quota(t, "", "cpus:0.5;mem:200")}})
	h.AddAgent("a1", model.MustParseResources("cpus:1;mem:512"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "f", Role: "ql"})
	g := grantsOf(h.Allocate([]string{"a1"}))
	if g["a1"] != "f cpus:0.5;mem:200" {
		t.Fatalf("grants %v, want cpus:0.5;mem:200 out of cpus:1;mem:512", g)
	}
	// At the limit: nothing more.
	if g := h.Allocate([]string{"a1"}); len(g) != 0 {
		t.Fatalf("past the limit: %v", grantsOf(g))
	}
}

func TestQuotaCountsReservations(t *testing.T) {
	// qr's guarantee cpus:2 is met by its reservation on a1 alone, so the
	// quota stage offers it nothing from a2 and holds nothing back.
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{
		Quota: map[string]model.Quota{"qr": quota(t, "cpus:2", "")}})
	h.AddAgent("a1", model.MustParseResources("cpus(qr):2;mem(qr):64"), nil)
	h.AddAgent("a2", model.MustParseResources("cpus:2;mem:1024"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "fo", Role: "other"})
	g := grantsOf(h.Allocate([]string{"a1", "a2"}))
	if g["a2"] != "fo cpus:2;mem:1024" || len(g) != 1 {
		t.Fatalf("grants %v, want a2 whole to fo", g)
	}
}

func TestPerFrameworkMinAllocatable(t *testing.T) {
	h, _ := newPolicy(t, "drf", model.AllocatorConfig{
		MinAllocatable: []model.Resources{model.MustParseResources("cpus:0.01")}})
	h.AddAgent("a1", model.MustParseResources("cpus:1;mem:512"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "big", Role: "r", MinAllocatable: []model.Resources{model.MustParseResources("cpus:2")}})
	h.AddFramework(model.FrameworkInfo{Name: "zz", Role: "r"})
	g := grantsOf(h.Allocate([]string{"a1"}))
	if g["a1"] != "zz cpus:1;mem:512" {
		t.Fatalf("grants %v: big needs cpus:2 and must be skipped for zz", g)
	}
}

func TestRandomSorterFollowsWeights(t *testing.T) {
	h, _ := newPolicy(t, "random", model.AllocatorConfig{})
	h.AddAgent("a1", model.MustParseResources("cpus:1;mem:512"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "f1", Role: "heavy"})
	h.AddFramework(model.FrameworkInfo{Name: "f2", Role: "light"})
	h.SetWeight("heavy", 3)
	counts := map[string]int{}
	for i := 0; i < 4000; i++ {
		g := h.Allocate([]string{"a1"})
		if len(g) != 1 {
			t.Fatalf("cycle %d: %v", i, g)
		}
		counts[g[0].Framework]++
		h.Recover(g[0].Framework, "a1", g[0].Resources, 0)
	}
	// DRF would alternate; the random sorter gives heavy ~3/4 of the draws.
	if f := float64(counts["f1"]) / 4000; f < 0.72 || f > 0.78 {
		t.Fatalf("heavy won %.3f of the draws, want about 0.75 (%v)", f, counts)
	}
}

func TestFIFOServesSubscriptionOrder(t *testing.T) {
	h, _ := newPolicy(t, "fifo", model.AllocatorConfig{})
	for _, a := range []string{"a1", "a2", "a3"} {
		h.AddAgent(a, model.MustParseResources("cpus:1;mem:512"), nil)
	}
	h.AddFramework(model.FrameworkInfo{Name: "zfirst", Role: "r2"})
	h.AddFramework(model.FrameworkInfo{Name: "asecond", Role: "r1"})
	g := h.Allocate([]string{"a1", "a2", "a3"})
	for _, x := range g {
		if x.Framework != "zfirst" {
			t.Fatalf("grants %v: the first subscriber should take every agent", grantsOf(g))
		}
	}
	if len(g) != 3 {
		t.Fatalf("grants %v", grantsOf(g))
	}
	h.Suppress("zfirst")
	for _, x := range g {
		h.Recover(x.Framework, x.Agent, x.Resources, 0)
	}
	if g := h.Allocate([]string{"a1"}); len(g) != 1 || g[0].Framework != "asecond" {
		t.Fatalf("with the first suppressed: %v", grantsOf(g))
	}
}

func TestCapacityOrderAndCeiling(t *testing.T) {
	h, _ := newPolicy(t, "capacity", model.AllocatorConfig{Capacity: map[string]model.Capacity{
		"prod": {Capacity: 0.75, MaxCapacity: 1},
		"dev":  {Capacity: 0.25, MaxCapacity: 0.5},
	}})
	for _, a := range []string{"a1", "a2", "a3", "a4"} {
		h.AddAgent(a, model.MustParseResources("cpus:4;mem:4096"), nil)
	}
	h.AddFramework(model.FrameworkInfo{Name: "d", Role: "dev"})
	// Only dev wants resources: it may grow past its 25% capacity, but not
	// past its 50% ceiling.
	g := h.Allocate([]string{"a1", "a2", "a3", "a4"})
	if len(g) != 2 {
		t.Fatalf("dev alone got %v, want two agents (its 50%% ceiling)", grantsOf(g))
	}
	// prod arrives below its capacity: it is served first from now on.
	h.AddFramework(model.FrameworkInfo{Name: "p", Role: "prod"})
	for _, x := range g {
		h.Recover(x.Framework, x.Agent, x.Resources, 0)
	}
	g = h.Allocate([]string{"a1", "a2", "a3", "a4"})
	got := map[string]int{}
	for _, x := range g {
		got[x.Framework]++
	}
	// Both start at 0 (ratio 0; dev before prod by name), so dev gets the
	// first agent and reaches its 25% capacity; from then on dev is no
	// longer below capacity and prod, below its 75%, takes the other three.
	if got["p"] != 3 || got["d"] != 1 {
		t.Fatalf("grants %v, want prod 3 agents and dev 1", got)
	}
}

func TestCapacityChopsToCeiling(t *testing.T) {
	h, _ := newPolicy(t, "capacity", model.AllocatorConfig{Capacity: map[string]model.Capacity{
		"dev": {Capacity: 0.1, MaxCapacity: 0.3},
	}})
	h.AddAgent("a1", model.MustParseResources("cpus:10;mem:1000"), nil)
	h.AddFramework(model.FrameworkInfo{Name: "d", Role: "dev"})
	g := grantsOf(h.Allocate([]string{"a1"}))
	if g["a1"] != "d cpus:3;mem:300" {
		t.Fatalf("grants %v, want the offer cut to 30%% of the cluster", g)
	}
}
