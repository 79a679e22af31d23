package policies

import (
	"strconv"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// DeclineOffers reproduces the shape of Mesos's allocator benchmark
// DeclineOffers: agents of cpus:24;mem:4096 with 16 CPUs of each already
// used (round-robin by the frameworks), all frameworks in one role, and
// every offer declined with a filter longer than the run. One cycle is one
// allocation over all agents.
type DeclineOffers struct {
	drf    *Hierarchical
	loop   *sim.Loop
	agents []string
	offers int
}

// NewDeclineOffers sets up the benchmark's cluster.
func NewDeclineOffers(agents, frameworks int, seed uint64) *DeclineOffers {
	loop := sim.NewLoop()
	b := &DeclineOffers{loop: loop}
	b.drf = NewDRF(model.AllocatorConfig{
		AllocationInterval: sim.Second,
		MinAllocatable:     []model.Resources{model.ScalarResource("cpus", 10), model.ScalarResource("mem", 32000)},
		Clock:              loop,
		Rand:               sim.NewStreams(seed).Get("allocator"),
	})
	names := make([]string, frameworks)
	for i := range names {
		names[i] = "framework" + strconv.Itoa(i)
		b.drf.AddFramework(model.FrameworkInfo{Name: names[i], Role: "role1"})
	}
	total := model.ScalarResource("cpus", 24000).Add(model.ScalarResource("mem", 4096000))
	used := model.ScalarResource("cpus", 16000)
	for i := 0; i < agents; i++ {
		name := "agent" + strconv.Itoa(i)
		b.agents = append(b.agents, name)
		var u []model.Usage
		if frameworks > 0 {
			u = []model.Usage{{Framework: names[i%frameworks], Resources: used}}
		}
		b.drf.AddAgent(name, total, u)
	}
	return b
}

// Allocate runs one allocation cycle over all agents.
func (b *DeclineOffers) Allocate() []model.Grant {
	g := b.drf.Allocate(b.agents)
	b.offers += len(g)
	return g
}

// Decline declines every grant with a filter longer than any run.
func (b *DeclineOffers) Decline(grants []model.Grant) {
	for _, g := range grants {
		b.drf.Recover(g.Framework, g.Agent, g.Resources, MaxFilter)
	}
}

// Offers returns how many offers the cycles made so far.
func (b *DeclineOffers) Offers() int { return b.offers }

// MaxFilter is the longest filter Mesos allows (365 days).
const MaxFilter = 365 * 24 * sim.Hour
