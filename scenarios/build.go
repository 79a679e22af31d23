package scenarios

import (
	"fmt"
	"slices"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
)

// Sim is a scenario wired into a world, ready to run.
type Sim struct {
	Scenario *Scenario
	World    *model.World
	// Schedulers holds each framework's scheduler by name (for inspection).
	Schedulers map[string]model.Scheduler

	faults *faultState // nil without network faults
	swarm  *swarmPlan  // nil without swarm mode
	replay *replay     // nil without a trace
}

// Build wires a validated scenario: agents are added at t=0 in file order,
// then frameworks subscribe in file order, then the timeline entries are
// scheduled in time order (ties in file order), and last the master's
// periodic allocation is armed, so that at any instant the timeline applies
// before the cycles it triggers.
//
// With a faults section (or a timeline partition) the network gets a
// sim.Faults drawing from the "network" stream, with the section's rules
// and partitions; the partitions' start and heal records are scheduled
// before the timeline, the faults swarm mode draws (from the "faults"
// stream) after it, and the heal at heal_at last. Swarm mode logs what it
// drew at t=0, before anything else.
//
// A scenario whose workloads are expected to submit more than
// MaxExpectedTasks tasks over its duration is refused (an *Error), and so
// is a scenario with external frameworks: only mesosim serve
// (BuildServed) can run it.
func Build(sc *Scenario) (*Sim, error) { return BuildWith(sc, Options{}) }

// Options are what a build may add to a scenario without changing its
// history.
type Options struct {
	// Decisions receives the allocator's decision records of every cycle
	// (every allocator the run elects, after a master failover too); nil
	// records none.
	Decisions model.DecisionSink
}

// BuildWith is Build with options.
func BuildWith(sc *Scenario, opt Options) (*Sim, error) {
	if ext := sc.Externals(); len(ext) > 0 {
		return nil, &Error{File: sc.File, Line: ext[0].Line,
			Msg: "framework " + ext[0].Name + " has behavior external: an outside process plays it; run this scenario with mesosim serve"}
	}
	return build(sc, opt)
}

// BuildServed is Build for mesosim serve: external frameworks are not
// added; the server adds each when its process subscribes.
func BuildServed(sc *Scenario) (*Sim, error) { return build(sc, Options{}) }

func build(sc *Scenario, opt Options) (*Sim, error) {
	if err := checkWork(sc); err != nil {
		return nil, err
	}
	var allocErr error
	w := model.NewWorld(model.WorldConfig{
		Seed: sc.Seed,
		Master: model.MasterConfig{AllocationInterval: sc.Master.AllocationInterval, OfferTimeout: sc.Master.OfferTimeout,
			AgentReregisterTimeout: sc.Master.AgentReregisterTimeout,
			RegistryGCInterval:     sc.Master.RegistryGCInterval,
			RegistryMaxAgentAge:    sc.Master.RegistryMaxAgentAge,
			RegistryMaxAgentCount:  sc.Master.RegistryMaxAgentCount,
			// With no fault of any kind a ping can never go unanswered:
			// health-check traffic would change nothing but the cost.
			NoHealthChecks: sc.Faults.HealAt == 0},
		NetworkDelay: sc.Network.Delay,
	}, func(clock model.Clock, streams sim.Streams) model.Allocator {
		a, err := policies.NewAllocator(sc.Master.Allocator, model.AllocatorConfig{
			AllocationInterval:  sc.Master.AllocationInterval,
			MinAllocatable:      sc.Master.MinAllocatable,
			FairSharingExcluded: sc.Master.FairSharingExcluded,
			Clock:               clock,
			Rand:                streams.Get("allocator"),
			Capacity:            sc.Master.Capacity,
			Decisions:           opt.Decisions,
		})
		allocErr = err
		return a
	})
	if allocErr != nil {
		return nil, allocErr
	}
	s := &Sim{Scenario: sc, World: w, Schedulers: map[string]model.Scheduler{}}
	s.installFaults()
	s.installSwarm()
	s.logSectionPartitions()
	// Quota and weights go through the master at t=0 (as an operator would
	// set them), so that they are logged and kept in its registry.
	for _, role := range sc.Master.QuotaRoles {
		q := sc.Master.Quota[role]
		w.At(0, func() { w.SetQuota(role, q) })
	}
	for _, role := range sc.Master.WeightRoles {
		weight := sc.Master.Weights[role]
		w.At(0, func() { w.SetWeight(role, weight) })
	}
	for _, a := range sc.Agents {
		w.At(0, func() { s.must(w.AddAgent(a.Name, a.Resources)) })
	}
	for i := range sc.Frameworks {
		f := &sc.Frameworks[i]
		if f.External != nil {
			continue
		}
		sched, err := s.scheduler(f)
		if err != nil {
			return nil, err
		}
		w.At(0, func() { s.must(w.AddFramework(frameworkConfig(f), sched)) })
	}
	for i := range sc.Timeline {
		if err := s.schedule(&sc.Timeline[i]); err != nil {
			return nil, err
		}
	}
	s.applySwarm()
	s.scheduleHealAll()
	if sc.Trace != nil {
		if err := s.startReplay(sc.Trace); err != nil {
			return nil, err
		}
	}
	w.Start()
	return s, nil
}

// must panics on an error the validator should have made impossible.
func (s *Sim) must(err error) {
	if err != nil {
		panic(fmt.Sprintf("scenario %s: %v (a validation gap)", s.Scenario.File, err))
	}
}

// Run runs the simulation to the scenario's duration.
func (s *Sim) Run() { s.World.Run(s.Scenario.Duration) }

// Err reports a failure found while the simulation ran: a malformed trace
// row or a trace read error (the replay stops there; the run's results
// must not be trusted).
func (s *Sim) Err() error {
	if s.replay != nil && s.replay.err != nil {
		return s.replay.err
	}
	return nil
}

// Config returns the model's configuration of the framework entry.
func (f *FrameworkSpec) Config() model.FrameworkConfig { return frameworkConfig(f) }

func frameworkConfig(f *FrameworkSpec) model.FrameworkConfig {
	return model.FrameworkConfig{
		Name:            f.Name,
		Role:            f.Role,
		PartitionAware:  slices.Contains(f.Capabilities, "partition_aware"),
		RefuseSeconds:   f.RefuseSeconds,
		MinAllocatable:  f.MinAllocatable,
		Checkpoint:      f.Checkpoint,
		FailoverTimeout: f.FailoverTimeout,
	}
}

func (s *Sim) scheduler(f *FrameworkSpec) (model.Scheduler, error) {
	cfg := policies.BehaviorConfig{
		RefuseSeconds:    f.RefuseSeconds,
		Think:            policies.ThinkTime(f.Think),
		SuppressWhenIdle: f.SuppressWhenIdle,
	}
	if wl := f.Workload; wl != nil {
		cfg.Workload = &policies.WorkloadConfig{
			Interarrival: policies.Dist(wl.Interarrival),
			TasksPerJob:  policies.Dist(wl.TasksPerJob),
			TaskCPUs:     policies.Dist(wl.TaskCPUs),
			TaskMem:      policies.Dist(wl.TaskMem),
			TaskDuration: policies.Dist(wl.TaskDuration),
			MaxJobs:      wl.MaxJobs,
			Start:        wl.Start,
		}
	}
	sched, err := policies.NewBehavior(f.Behavior, cfg)
	if err != nil {
		return nil, &Error{File: s.Scenario.File, Line: f.Line, Msg: err.Error()}
	}
	s.Schedulers[f.Name] = sched
	return sched, nil
}

func (s *Sim) schedule(e *Event) error {
	w := s.World
	var fn func()
	switch e.Kind {
	case KindAddAgent:
		a := e.Agent
		fn = func() { s.must(w.AddAgent(a.Name, a.Resources)) }
	case KindMarkAgentGone:
		fn = func() { s.must(w.MarkAgentGone(e.Name)) }
	case KindRemoveAgent:
		fn = func() { s.must(w.RemoveAgent(e.Name)) }
	case KindAddFramework:
		f := e.Framework
		sched, err := s.scheduler(f)
		if err != nil {
			return err
		}
		fn = func() { s.must(w.AddFramework(frameworkConfig(f), sched)) }
	case KindRemoveFramework:
		fn = func() { s.must(w.RemoveFramework(e.Name)) }
	case KindDecline:
		refuse := -1.0 // the framework's own refuse_seconds
		if e.HasRefuse {
			refuse = e.RefuseSeconds
		}
		fn = func() { s.must(w.DeclineAgent(e.FrameworkName, e.AgentName, refuse)) }
	case KindRelease:
		fn = func() { s.must(w.Release(e.FrameworkName, e.AgentName)) }
	case KindSuppress:
		fn = func() { s.must(w.CallFramework(e.Name, func(d model.Driver) { d.Suppress() })) }
	case KindRevive:
		fn = func() { s.must(w.CallFramework(e.Name, func(d model.Driver) { d.Revive() })) }
	case KindSetWeight:
		fn = func() { w.SetWeight(e.Role, e.Weight) }
	case KindSetQuota:
		fn = func() { w.SetQuota(e.Role, e.Quota) }
	default:
		var ok bool
		if fn, ok = s.scheduleFault(e); ok {
			break
		}
		return &Error{File: s.Scenario.File, Line: e.Line, Msg: fmt.Sprintf("timeline action %q is not supported", e.Kind)}
	}
	if name := s.externalSubject(e); name != "" {
		// An external framework exists only once its process has
		// subscribed; before that the entry finds nothing to act on.
		act := fn
		fn = func() {
			if w.Framework(name) != nil {
				act()
			}
		}
	}
	w.At(e.At, fn)
	return nil
}

// externalSubject returns the external framework a timeline entry acts
// on, or "".
func (s *Sim) externalSubject(e *Event) string {
	for _, f := range s.Scenario.Externals() {
		switch e.Kind {
		case KindRemoveFramework, KindSuppress, KindRevive, KindFrameworkFailover:
			if e.Name == f.Name {
				return f.Name
			}
		}
		if e.FrameworkName == f.Name {
			return f.Name
		}
	}
	return ""
}
