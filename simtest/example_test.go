package simtest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
	"github.com/mesosim/mesosim/simtest"
)

// TestReconcilingPasses is a framework author's test: the reconciling
// scheduler survives 1,000 drawn clusters and fault schedules (200 with
// -short). About 10 s.
func TestReconcilingPasses(t *testing.T) {
	simtest.Check(t, simtest.Behavior("reconciling"), simtest.Options{Checks: 1000})
}

// TestNaiveFails: the naive scheduler (it never reconciles) breaks an
// invariant, and rapid shrinks the failure to a handful of faults. The
// search is seeded, so it finds the same failure every time. About 6 s.
func TestNaiveFails(t *testing.T) {
	f := simtest.Find(simtest.Behavior("naive"), simtest.Options{Checks: 300, Seed: 1, ShrinkTime: 5 * time.Second})
	if f == nil {
		t.Fatal("naive passed 300 checks")
	}
	t.Logf("shrunk failure:\n%s", f)
	if n := f.Cluster.Faults.Len(); n > 5 {
		t.Errorf("the shrunk failure has %d faults, want at most 5", n)
	}
	if f.Invariant() == "" {
		t.Error("the failure names no invariant")
	}
	// The shrunk cluster is a regression case: Run breaks the same
	// invariant again, and reconciling passes it.
	again := simtest.Run(f.Cluster, simtest.Behavior("naive"))
	if len(again) == 0 || again[0] != f.Violations[0] {
		t.Errorf("replay: got %v, want %v first", again, f.Violations[0])
	}
	if vs := simtest.Run(f.Cluster, simtest.Behavior("reconciling")); len(vs) > 0 {
		t.Errorf("reconciling fails the shrunk cluster: %v", vs)
	}
}

// Run on a hand-written cluster (the one TestNaiveFails shrinks to):
// agent a-2 is cut off from the master from 1 s to 19 s, while the first
// tasks are launched. 15 minutes after healing, the naive scheduler still
// holds as staging two tasks the agent never received (reconciliation,
// then liveness, break); the reconciling one asks and learns they are lost.
func ExampleRun() {
	c := simtest.Cluster{
		Agents: []simtest.Agent{
			{Name: "a-1", Resources: "cpus:2;mem:4096"},
			{Name: "a-2", Resources: "cpus:2;mem:4096"},
			{Name: "a-3", Resources: "cpus:2;mem:4096"},
		},
		Frameworks: []simtest.Framework{
			{Name: "f1", FailoverTimeout: sim.Hour},
		},
		Faults: simtest.FaultPlan{
			Partitions: []sim.Partition{
				{Name: "cut", A: []string{"agent/a-2"}, B: []string{"master"}, Start: 1 * sim.Second, Heal: 19 * sim.Second},
			},
		},
		HealAt: 5 * sim.Minute, ConvergeWithin: 15 * sim.Minute, Horizon: 25 * sim.Minute,
		Seed: 2,
	}
	show := func(vs []report.Violation) {
		fmt.Println(len(vs), "violations")
		for _, v := range vs {
			fmt.Println(" ", v.T, v.Invariant, v.Task)
		}
	}
	fmt.Println("naive:")
	show(simtest.Run(c, simtest.Behavior("naive")))
	fmt.Println("reconciling:")
	show(simtest.Run(c, simtest.Behavior("reconciling")))
	// Output:
	// naive:
	// 4 violations
	//   20m0s reconciliation f1-j1-t1
	//   20m0s reconciliation f1-j1-t2
	//   25m0s liveness f1-j1-t1
	//   25m0s liveness f1-j1-t2
	// reconciling:
	// 0 violations
}
