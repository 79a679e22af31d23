package report

import (
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
)

// TestCheckerMemoryBounded runs a workload of short tasks for an hour (a
// few thousand tasks, a handful live at once) and checks that the
// checker's per-task maps follow the live tasks, not every task of the
// run, and that pruning changed no verdict (none, in a run without
// faults). It does so in a run without faults (HealAt 0, convergence not
// sampled) and in one whose faults heal at 5m (sampled every minute).
func TestCheckerMemoryBounded(t *testing.T) {
	for _, heal := range []sim.Time{0, 5 * sim.Minute} {
		t.Run(heal.String(), func(t *testing.T) { checkerMemoryBounded(t, heal) })
	}
}

func checkerMemoryBounded(t *testing.T, heal sim.Time) {
	w, c, launched := invWorld(t, nil, CheckerConfig{HealAt: heal, ConvergeWithin: 2 * sim.Minute})
	c.pruneMin, c.pruneAt = 64, 64
	for _, a := range []string{"a1", "a2"} {
		if err := w.AddAgent(a, model.MustParseResources("cpus:8;mem:8192")); err != nil {
			t.Fatal(err)
		}
	}
	s, err := policies.NewBehavior("workload", policies.BehaviorConfig{RefuseSeconds: 1, Workload: &policies.WorkloadConfig{
		Interarrival: policies.Dist{Kind: "constant", Value: 1},
		TasksPerJob:  policies.Dist{Kind: "constant", Value: 1},
		TaskCPUs:     policies.Dist{Kind: "constant", Value: 1},
		TaskMem:      policies.Dist{Kind: "constant", Value: 128},
		TaskDuration: policies.Dist{Kind: "constant", Value: 5},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddFramework(model.FrameworkConfig{Name: "wl", Role: "r"}, s); err != nil {
		t.Fatal(err)
	}
	end := sim.Hour
	most := 0
	for m := sim.Minute; m <= end; m += sim.Minute {
		w.Run(m)
		if m > heal+2*sim.Minute { // the first prune comes at the deadline
			most = max(most, len(c.tasks), len(c.streams), len(c.launches), len(c.expected), c.offers.len())
		}
	}
	c.Finish(end)
	if *launched < 3000 {
		t.Fatalf("only %d tasks launched", *launched)
	}
	// Pruning starts at the deadline (HealAt+2m) and then runs whenever the maps
	// reach twice what the last prune left: what is left is the tasks of
	// the last Settle or so (about 60 here) plus the live ones.
	if most > 4*64 {
		t.Fatalf("the checker held up to %d tasks, streams, launches, expected tasks or offers for %d tasks launched", most, *launched)
	}
	if vs := c.Violations(); len(vs) > 0 {
		t.Fatalf("violations: %+v", vs)
	}
}
