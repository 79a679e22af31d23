package scenarios_test

import (
	"fmt"

	"github.com/mesosim/mesosim/scenarios"
)

// Overrides change values by their path before decoding.
func ExampleParseWith() {
	data := []byte(`
name: sweep
duration: 1m
frameworks:
  - {name: service, role: r1, behavior: hold}
  - {name: batch, count: 2, role: r2, behavior: decline}
`)
	var overrides []scenarios.Override
	for _, s := range []string{"seed=7", "frameworks.service.think_time={base: 2s, per_task: 10ms}", "frameworks.batch.role=r3"} {
		o, err := scenarios.ParseOverride(s)
		if err != nil {
			fmt.Println(err)
			return
		}
		overrides = append(overrides, o)
	}
	sc, err := scenarios.ParseWith("sweep.yaml", data, overrides)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sc.Seed)
	for _, f := range sc.Frameworks {
		fmt.Println(f.Name, f.Role, f.Think.Base, f.Think.PerTask)
	}

	_, err = scenarios.ParseWith("sweep.yaml", data, []scenarios.Override{{Path: "frameworks.service.think_time", Value: "abc"}})
	fmt.Println(err)
	// Output:
	// 7
	// service r1 2s 10ms
	// batch-1 r3 0s 0s
	// batch-2 r3 0s 0s
	// sweep.yaml: frameworks.think_time: bad duration "abc": want a Go duration such as 90s, 1h30m or 250ms (--set frameworks.service.think_time=abc)
}
