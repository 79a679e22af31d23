package simtest

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// NewScheduler builds the user's scheduler for one framework of a run. It
// is called once per framework per run, so a scheduler's state never
// leaks from one run into the next. The scheduler decides what to launch
// on its offers: its workload is its own.
type NewScheduler func() model.Scheduler

// AllocationInterval is the master's batch allocation period in the runs.
const AllocationInterval = sim.Second

// Run runs one explicit cluster with the invariant checker
// (report.Checker) and returns the violations, in the order found; none
// means every invariant held. The same cluster and scheduler give the same
// violations, at the same simulated times, every time. Run is what a
// regression test of a failure found by Check calls, with the cluster
// Check printed.
//
// Run panics on a malformed cluster (no agents, unknown crash agent, bad
// resources, an invalid rule or partition): that is a bug in the test.
func Run(c Cluster, sched NewScheduler) []report.Violation {
	if err := c.check(); err != nil {
		panic(err)
	}
	w := model.NewWorld(model.WorldConfig{
		Seed:   c.Seed,
		Master: model.MasterConfig{AllocationInterval: AllocationInterval},
	}, func(clock model.Clock, streams sim.Streams) model.Allocator {
		name := c.Allocator
		if name == "" {
			name = "drf"
		}
		a, err := policies.NewAllocator(name, model.AllocatorConfig{
			AllocationInterval: AllocationInterval,
			Clock:              clock,
			Rand:               streams.Get("allocator"),
		})
		if err != nil {
			panic(err) // c.check accepted the name: a bug
		}
		return a
	})
	healAt := c.HealAt
	if healAt == 0 || healAt >= c.Horizon {
		healAt = sim.Never // safety only: convergence is never judged
	}
	faults := sim.NewFaults(w.Streams().Get("network"))
	w.Network().SetFaults(faults)
	faults.HealAll(healAt)
	for _, r := range c.Faults.Loss {
		faults.AddRule(r)
	}
	for _, p := range c.Faults.Partitions {
		faults.AddPartition(p)
	}
	checker := report.NewChecker(w, report.CheckerConfig{HealAt: healAt, ConvergeWithin: c.ConvergeWithin, Emit: w.Emit})
	w.Observe(checker)

	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	for _, a := range c.Agents {
		res := model.MustParseResources(a.Resources)
		w.At(0, func() { must(w.AddAgent(a.Name, res)) })
	}
	for _, f := range c.Frameworks {
		cfg := model.FrameworkConfig{
			Name:            f.Name,
			PartitionAware:  f.PartitionAware,
			Checkpoint:      f.Checkpoint,
			FailoverTimeout: f.FailoverTimeout,
		}
		s := sched()
		w.At(0, func() { must(w.AddFramework(cfg, s)) })
	}
	for _, cr := range c.Faults.Crashes {
		w.At(cr.At, func() { must(w.CrashAgent(cr.Agent)) })
		w.At(cr.Restart, func() { must(w.RestartAgent(cr.Agent, false)) })
	}
	for _, t := range c.Faults.MasterFailovers {
		w.At(t, func() { w.FailMaster(model.LeaderElectionDelay) })
	}
	w.Start()
	w.Run(c.Horizon)
	checker.Finish(c.Horizon)
	return checker.Violations()
}
