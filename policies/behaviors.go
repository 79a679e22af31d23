package policies

import (
	"fmt"
	"strings"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// BehaviorConfig configures a built-in framework behaviour.
type BehaviorConfig struct {
	// RefuseSeconds is the filter passed on decline and on the unused part
	// of an accept.
	RefuseSeconds float64
	// Workload configures the workload behaviour.
	Workload *WorkloadConfig
	// ThinkTime is how long the framework holds an offer before answering
	// it: Think.Base plus Think.PerTask for every task it launches from the
	// offer (the Omega paper's simulator's decision time model).
	Think ThinkTime
	// SuppressWhenIdle makes a workload framework suppress offers while it
	// has nothing to launch and revive when work arrives, instead of
	// declining with a filter.
	SuppressWhenIdle bool
}

// ThinkTime is a framework's decision time per offer: a constant plus a
// per-task part.
type ThinkTime struct {
	Base    sim.Time
	PerTask sim.Time
}

// BehaviorFactory builds a scheduler for one framework.
type BehaviorFactory func(cfg BehaviorConfig) (model.Scheduler, error)

// behaviors is the registry of built-in framework behaviours by name.
var behaviors = map[string]BehaviorFactory{
	"hold": func(cfg BehaviorConfig) (model.Scheduler, error) { return &Hold{}, nil },
	"keep": func(cfg BehaviorConfig) (model.Scheduler, error) { return Keep{}, nil },
	"decline": func(cfg BehaviorConfig) (model.Scheduler, error) {
		return Decliner{RefuseSeconds: cfg.RefuseSeconds}, nil
	},
	"workload": newWorkloadBehavior,
}

// NewBehavior builds the behaviour registered under name.
func NewBehavior(name string, cfg BehaviorConfig) (model.Scheduler, error) {
	f, ok := behaviors[name]
	if !ok {
		return nil, fmt.Errorf("unknown behavior %q (known: %s)", name, strings.Join(BehaviorNames(), ", "))
	}
	return f(cfg)
}

// nopCallbacks gives a behaviour the callbacks it ignores.
type nopCallbacks struct{}

// Subscribed implements model.Scheduler.
func (nopCallbacks) Subscribed(model.Driver) {}

// Rescind implements model.Scheduler.
func (nopCallbacks) Rescind(model.Driver, string) {}

// Update implements model.Scheduler.
func (nopCallbacks) Update(model.Driver, model.TaskStatus) {}

// Hold accepts every offer whole by launching one task that uses all of it
// and never ends (until released): the shape of Mesos's allocator tests.
type Hold struct {
	nopCallbacks
	n int
}

// Offers implements model.Scheduler.
func (h *Hold) Offers(d model.Driver, offers []model.OfferOut) {
	for _, o := range offers {
		h.n++
		task := model.TaskInfo{ID: fmt.Sprintf("%s-t%d", d.Name(), h.n), Resources: o.Resources, Duration: sim.Never, Submitted: -1}
		d.Accept([]string{o.ID}, []model.TaskInfo{task}, 0)
	}
}

// Keep never answers: offers stay outstanding until the timeline declines
// them or offer_timeout rescinds them.
type Keep struct{ nopCallbacks }

// Offers implements model.Scheduler.
func (Keep) Offers(model.Driver, []model.OfferOut) {}

// Decliner declines every offer with its refuse_seconds.
type Decliner struct {
	nopCallbacks
	RefuseSeconds float64
}

// Offers implements model.Scheduler.
func (b Decliner) Offers(d model.Driver, offers []model.OfferOut) {
	for _, o := range offers {
		d.Decline([]string{o.ID}, b.RefuseSeconds)
	}
}
