package simtest_test

import (
	"fmt"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
	"github.com/mesosim/mesosim/simtest"
)

// An invariant of the framework author's own, held alongside the built-in
// ones: every task is launched within 30 seconds of its submission. On
// the cluster of ExampleRun the reconciling scheduler keeps every
// built-in invariant but not this one: with 6 cpus for up to 30 tasks of
// 1-4 minutes, the tenth job's tasks wait minutes for room. Each subject
// is reported once per invariant. Options.Invariants holds it in every run
// of Check and Find.
func ExampleInvariant() {
	quick := simtest.Invariant{
		Name: "quick-launch",
		Check: func(w *model.World, r *model.Record) string {
			if r.Kind == model.KindTaskLaunched && r.Submitted >= 0 && r.T-r.Submitted > 30*sim.Second {
				return fmt.Sprintf("launched %s after its submission", r.T-r.Submitted)
			}
			return ""
		},
	}
	c := simtest.Cluster{
		Agents: []simtest.Agent{
			{Name: "a-1", Resources: "cpus:2;mem:4096"},
			{Name: "a-2", Resources: "cpus:2;mem:4096"},
			{Name: "a-3", Resources: "cpus:2;mem:4096"},
		},
		Frameworks: []simtest.Framework{{Name: "f1", FailoverTimeout: sim.Hour}},
		Faults: simtest.FaultPlan{
			Partitions: []sim.Partition{
				{Name: "cut", A: []string{"agent/a-2"}, B: []string{"master"}, Start: 1 * sim.Second, Heal: 19 * sim.Second},
			},
		},
		HealAt: 5 * sim.Minute, ConvergeWithin: 15 * sim.Minute, Horizon: 25 * sim.Minute,
		Seed: 2,
	}
	vs := simtest.Run(c, simtest.Behavior("reconciling"), quick)
	fmt.Println(len(vs), "violations")
	for _, v := range vs[:min(len(vs), 3)] {
		fmt.Println(" ", v.T, v.Invariant, v.Task, v.Detail)
	}
	// Output:
	// 2 violations
	//   8m14s quick-launch f1-j10-t1 launched 1m52.400366s after its submission
	//   8m55s quick-launch f1-j10-t2 launched 2m33.400366s after its submission
}
