package policies

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// The idle-agent skip and the skip of other roles' filter groups must
// change nothing but the cost: for every policy, a run with them and a run
// without them give the same records.
func TestIdleAgentSkipChangesNothing(t *testing.T) {
	for _, policy := range AllocatorNames() {
		t.Run(policy, func(t *testing.T) {
			if a, b := skipRun(t, policy, false, nil, "r2"), skipRun(t, policy, true, nil, "r2"); a != b {
				t.Fatalf("records differ with and without the skip (%d vs %d bytes)", len(a), len(b))
			}
		})
	}
}

// The same under quota, where the quota stage and the per-cycle headroom
// (quota_cycle.go) decide what an agent offers: a guarantee with a limit
// served to r2, a subrole of r2 with no quota of its own, and a guarantee
// of a role with no framework held as headroom.
func TestIdleAgentSkipChangesNothingUnderQuota(t *testing.T) {
	q := map[string]model.Quota{
		"r2": {Guarantee: model.Quantities{{Name: "cpus", Value: 4000}}, Limit: model.Quantities{{Name: "cpus", Value: 12000}}},
		"r9": {Guarantee: model.Quantities{{Name: "cpus", Value: 3000}, {Name: "mem", Value: 2048000}}},
	}
	for _, policy := range AllocatorNames() {
		t.Run(policy, func(t *testing.T) {
			a, b := skipRun(t, policy, false, q, "r2/sub"), skipRun(t, policy, true, q, "r2/sub")
			if a != b {
				t.Fatalf("records differ with and without the skip (%d vs %d bytes)", len(a), len(b))
			}
			if !strings.Contains(a, "Role:r2/sub") {
				t.Fatalf("no record of the subrole's framework")
			}
			if a == skipRun(t, policy, false, nil, "r2/sub") {
				t.Fatalf("the quota changed nothing: the run does not test the quota stage")
			}
		})
	}
}

// skipRun runs a workload of three frameworks (in r1, r2 and third) and
// one that declines everything, with or without the idle-agent skip.
func skipRun(t *testing.T, policy string, noSkip bool, quota map[string]model.Quota, third string) string {
	t.Helper()
	var out strings.Builder
	w := model.NewWorld(model.WorldConfig{Seed: 3, Master: model.MasterConfig{AllocationInterval: sim.Second}},
		func(clock model.Clock, streams sim.Streams) model.Allocator {
			a, err := NewAllocator(policy, model.AllocatorConfig{AllocationInterval: sim.Second, Clock: clock,
				Rand: streams.Get("allocator"), Capacity: map[string]model.Capacity{"r1": {Capacity: 0.5, MaxCapacity: 0.8}}, Quota: quota,
				MinAllocatable: []model.Resources{model.MustParseResources("cpus:0.01"), model.MustParseResources("mem:32")}})
			if err != nil {
				t.Fatal(err)
			}
			a.(*Hierarchical).noSkip = noSkip
			return a
		})
	w.Observe(model.ObserverFunc(func(r *model.Record) { fmt.Fprintf(&out, "%+v\n", *r) }))
	w.Start()
	for i := 0; i < 12; i++ {
		if err := w.AddAgent(fmt.Sprintf("a%d", i), model.MustParseResources(fmt.Sprintf("cpus:%d;mem:%d", 2+i%3, 2048+512*(i%4)))); err != nil {
			t.Fatal(err)
		}
	}
	for i, role := range []string{"r1", "r2", third} {
		// f1 suppresses offers when it has nothing to run and revives
		// when work arrives: Suppress and Revive leave the epoch alone.
		wl, err := NewBehavior("workload", BehaviorConfig{RefuseSeconds: 30, SuppressWhenIdle: i == 1, Workload: &WorkloadConfig{
			Interarrival: Dist{Kind: "exponential", Mean: 60}, TasksPerJob: Dist{Kind: "uniform", Min: 1, Max: 4},
			TaskCPUs: Dist{Kind: "uniform", Min: 0.5, Max: 2}, TaskMem: Dist{Kind: "uniform", Min: 128, Max: 1024},
			TaskDuration: Dist{Kind: "exponential", Mean: 20, Min: 1, Max: 120}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddFramework(model.FrameworkConfig{Name: fmt.Sprintf("f%d", i), Role: role, RefuseSeconds: 30}, wl); err != nil {
			t.Fatal(err)
		}
	}
	// A framework that declines everything for 30 s leaves agents with free
	// resources that nobody may take: the idle agents the skip is about.
	if err := w.AddFramework(model.FrameworkConfig{Name: "picky", Role: "r3", RefuseSeconds: 30}, Decliner{RefuseSeconds: 30}); err != nil {
		t.Fatal(err)
	}
	w.Run(5 * sim.Minute)
	return out.String()
}
