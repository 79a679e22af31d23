package model_test

import (
	"fmt"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
)

// greedy is a user's own scheduler: it launches one 1-CPU task of 10 s on
// every offer and declines the rest of the offer for 30 s.
type greedy struct{ n int }

func (g *greedy) Subscribed(d model.Driver) { fmt.Printf("%v %s subscribed\n", d.Now(), d.Name()) }

func (g *greedy) Offers(d model.Driver, offers []model.OfferOut) {
	for _, o := range offers {
		g.n++
		task := model.TaskInfo{
			ID:        fmt.Sprintf("t%d", g.n),
			Resources: model.MustParseResources("cpus:1;mem:128"),
			Duration:  10 * sim.Second,
			Submitted: d.Now(),
		}
		fmt.Printf("%v offer %s on %s: %s\n", d.Now(), o.ID, o.Agent, o.Resources)
		d.Accept([]string{o.ID}, []model.TaskInfo{task}, 30)
	}
}

func (g *greedy) Rescind(d model.Driver, offer string) {}

func (g *greedy) Failure(d model.Driver, agent string) {}

func (g *greedy) Error(d model.Driver, message string) {}

func (g *greedy) Update(d model.Driver, st model.TaskStatus) {
	fmt.Printf("%v %s %s\n", d.Now(), st.Task, st.State)
}

// A framework author plugs a Scheduler into a world with Mesos's DRF
// allocator and watches what it sees. The unused cpus:1;mem:896 of the
// first offer is filtered for 30 s, but once the task ends at 10 s the
// agent has more free than was refused, so the filter no longer hides it
// and the next batch cycle (11 s) offers the agent again.
func ExampleScheduler() {
	w := model.NewWorld(model.WorldConfig{Seed: 1, Master: model.MasterConfig{AllocationInterval: sim.Second}},
		func(clock model.Clock, streams sim.Streams) model.Allocator {
			return policies.NewDRF(model.AllocatorConfig{AllocationInterval: sim.Second, Clock: clock, Rand: streams.Get("allocator")})
		})
	w.Start()
	if err := w.AddAgent("a1", model.MustParseResources("cpus:2;mem:1024")); err != nil {
		panic(err)
	}
	if err := w.AddFramework(model.FrameworkConfig{Name: "mine", Role: "dev"}, &greedy{}); err != nil {
		panic(err)
	}
	w.Run(12 * sim.Second)
	// Output:
	// 0s mine subscribed
	// 0s offer o1 on a1: cpus:2;mem:1024
	// 0s t1 TASK_STARTING
	// 0s t1 TASK_RUNNING
	// 10s t1 TASK_FINISHED
	// 11s offer o2 on a1: cpus:2;mem:1024
	// 11s t2 TASK_STARTING
	// 11s t2 TASK_RUNNING
}

// Quota may be set on a top-level role and on "*", not on a nested role.
func ExampleValidateQuotaRole() {
	for _, role := range []string{"prod", "*", "prod/web"} {
		fmt.Println(role, model.ValidateQuotaRole(role))
	}
	// Output:
	// prod <nil>
	// * <nil>
	// prod/web role "prod/web": quota is set on top-level roles only (here "prod")
}
