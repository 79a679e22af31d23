package scenarios_test

import (
	"fmt"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/scenarios"
)

// A scenario from YAML, built and run, with an observer of its records.
func ExampleBuild() {
	sc, err := scenarios.Parse("example.yaml", []byte(`
name: example
duration: 3s
agents:
  - {name: a1, resources: "cpus:4;mem:4096"}
frameworks:
  - {name: f1, role: r1, behavior: decline, refuse_seconds: 1.5}
  - {name: f2, role: r2, behavior: keep}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := scenarios.Build(sc)
	if err != nil {
		fmt.Println(err)
		return
	}
	s.World.Observe(model.ObserverFunc(func(r *model.Record) {
		switch r.Kind {
		case model.KindOffer, model.KindOfferDeclined:
			fmt.Println(r.T, r.Kind, r.Framework, r.Agent, r.Resources)
		}
	}))
	s.Run()
	// Output:
	// 0s offer f1 a1 cpus:4;mem:4096
	// 0s offer_declined f1 a1 cpus:4;mem:4096
	// 1s offer f2 a1 cpus:4;mem:4096
}

// Errors name the file and line.
func ExampleParse_error() {
	_, err := scenarios.Parse("bad.yaml", []byte("name: x\nduration: 1m\nagents:\n  - {name: a1, resources: \"cpus=2\"}\n"))
	fmt.Println(err)
	// Output: bad.yaml:4: agents.resources: bad resource "cpus=2": want NAME:VALUE
}
