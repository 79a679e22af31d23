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
	// Think is how long the framework holds an offer before answering
	// it: Think.Base plus Think.PerTask for every task it launches from the
	// offer (the Omega paper's simulator's decision time model). The
	// offer's resources stay allocated (locked) while it thinks. Offers are
	// thought about one at a time, as by a single-threaded scheduler: offer
	// k of an OFFERS callback received at t is answered at t plus the think
	// times of offers 1..k, and offers of a later callback wait for the
	// earlier ones; an offer rescinded before its answer is not answered.
	// It applies to hold, decline and workload; keep never answers. Zero
	// answers within the same event, exactly as without think time.
	Think ThinkTime
	// SuppressWhenIdle (workload only) makes the framework send SUPPRESS
	// once when, having answered every offer it holds, it has nothing
	// pending, and REVIVE when work arrives (a job, or tasks coming back to
	// its queue). Offers it gets anyway are still declined with
	// RefuseSeconds. Without it an idle framework keeps declining with a
	// filter.
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
	"hold": func(cfg BehaviorConfig) (model.Scheduler, error) { return &Hold{Think: cfg.Think}, nil },
	"keep": func(cfg BehaviorConfig) (model.Scheduler, error) { return Keep{}, nil },
	"decline": func(cfg BehaviorConfig) (model.Scheduler, error) {
		return NewDecliner(cfg.RefuseSeconds, cfg.Think), nil
	},
	"workload": newWorkloadBehavior,
	// naive trusts what it last heard and never reconciles (the workload
	// behaviour under the name the fault-tolerance docs use).
	"naive":       newWorkloadBehavior,
	"reconciling": newReconcilingBehavior,
	// replay is a workload fed only from outside (a trace replay).
	"replay": func(cfg BehaviorConfig) (model.Scheduler, error) {
		cfg.Workload = &WorkloadConfig{External: true}
		return newWorkload(cfg, false)
	},
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
// With a think time it holds each offer for Think.For(1) before accepting,
// one offer after another (see BehaviorConfig.Think).
type Hold struct {
	nopCallbacks
	// Think is the decision time per offer.
	Think ThinkTime
	n     int
	desk  desk
}

// Offers implements model.Scheduler.
func (h *Hold) Offers(d model.Driver, offers []model.OfferOut) {
	h.desk.offers(d, h, h.Think, offers)
}

// Rescind implements model.Scheduler: a rescinded offer is not accepted.
func (h *Hold) Rescind(d model.Driver, offer string) {
	h.desk.rescind(d, h, h.Think, offer)
}

func (h *Hold) decide(d model.Driver, o model.OfferOut) thought {
	h.n++
	task := model.TaskInfo{ID: fmt.Sprintf("%s-t%d", d.Name(), h.n), Resources: o.Resources, Duration: sim.Never, Submitted: -1}
	return thought{offer: o, launch: []model.TaskInfo{task}}
}

func (h *Hold) answer(d model.Driver, th *thought) {
	d.Accept([]string{th.offer.ID}, th.launch, 0)
}

func (h *Hold) abandon(model.Driver, *thought) {}

func (h *Hold) idle(model.Driver) {}

// Keep never answers: offers stay outstanding until the timeline declines
// them or offer_timeout rescinds them. It has no think time (it never
// answers anyway).
type Keep struct{ nopCallbacks }

// Offers implements model.Scheduler.
func (Keep) Offers(model.Driver, []model.OfferOut) {}

// Decliner declines every offer with its refuse_seconds, after holding it
// for Think.Base (it launches no task), one offer after another (see
// BehaviorConfig.Think).
// Build it with NewDecliner when Think is set: a Decliner literal has no
// memory between callbacks, so it thinks sequentially within each OFFERS
// callback only, and its declines of offers rescinded meanwhile are still
// sent (the master ignores them).
type Decliner struct {
	nopCallbacks
	RefuseSeconds float64
	// Think is the decision time per offer.
	Think ThinkTime
	desk  *desk
}

// NewDecliner returns a Decliner with its own decision thread.
func NewDecliner(refuseSeconds float64, think ThinkTime) Decliner {
	return Decliner{RefuseSeconds: refuseSeconds, Think: think, desk: &desk{}}
}

func (b Decliner) deskFor() *desk {
	if b.desk != nil {
		return b.desk
	}
	return &desk{}
}

// Offers implements model.Scheduler.
func (b Decliner) Offers(d model.Driver, offers []model.OfferOut) {
	b.deskFor().offers(d, b, b.Think, offers)
}

// Rescind implements model.Scheduler: a rescinded offer is not declined.
func (b Decliner) Rescind(d model.Driver, offer string) {
	if b.desk != nil {
		b.desk.rescind(d, b, b.Think, offer)
	}
}

func (b Decliner) decide(_ model.Driver, o model.OfferOut) thought { return thought{offer: o} }

func (b Decliner) answer(d model.Driver, th *thought) {
	d.Decline([]string{th.offer.ID}, b.RefuseSeconds)
}

func (b Decliner) abandon(model.Driver, *thought) {}

func (b Decliner) idle(model.Driver) {}
