package shrink_test

import (
	"fmt"

	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/shrink"
)

// Shrink a failing seed of naive frameworks under swarm faults: make the
// seed's faults explicit, then search for a smaller scenario that still
// breaks the same invariant first.
func ExampleShrink() {
	data, _ := scenarios.BuiltinSource("reconciliation-under-loss")
	overrides := []scenarios.Override{
		{Path: "faults.swarm", Value: "true"},
		{Path: "frameworks.0.behavior", Value: "naive"},
		{Path: "frameworks.1.behavior", Value: "naive"},
	}
	explicit, err := scenarios.Explicit("repro.yaml", data, overrides, 1)
	if err != nil {
		panic(err)
	}
	res, err := shrink.Shrink(explicit, shrink.Config{File: "repro.yaml", Parallel: 2})
	if err != nil {
		panic(err)
	}
	fmt.Println("seed 1 breaks:", res.First.Invariant, "at", res.First.T)
	fmt.Println("before:", res.Before)
	fmt.Println("after: ", res.After)
	fmt.Println("the reproducer breaks:", res.Violation.Invariant, "at", res.Violation.T)
	fmt.Println("its faults:", res.Scenario.Faults.Network[0].Types, "loss", res.Scenario.Faults.Network[0].Loss)
	// Output:
	// seed 1 breaks: reconciliation at 25m11s
	// before: 7 faults, 8 agents, 2 frameworks, 55 jobs, 30m0s
	// after:  1 fault, 3 agents, 2 frameworks, 8 jobs, 17m12.25s
	// the reproducer breaks: reconciliation at 17m12.25s
	// its faults: [RunTask StatusUpdate UPDATE ACKNOWLEDGE] loss 0.15
}
