package simtest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
)

// A Cluster is one test world, drawn by ClusterGen or written by hand: the
// agents, the frameworks (each runs a scheduler from NewScheduler), an
// explicit fault timeline and the times of the run. Nothing in it is left
// to chance except what Seed drives (the simulation's own streams, among
// them the network's loss draws), so one Cluster is one run.
//
// Its GoString (what rapid prints for a drawn cluster, and what a failure
// reports) is a Go literal that can be pasted into a regression test that
// calls Run.
type Cluster struct {
	Agents     []Agent
	Frameworks []Framework
	Faults     FaultPlan
	// HealAt is when every fault is over: from then on the network is
	// perfect, and the views of frameworks, master and agents must agree
	// within ConvergeWithin, and every launched task must settle.
	HealAt         sim.Time
	ConvergeWithin sim.Time
	// Horizon is how long the run lasts (at least HealAt+ConvergeWithin
	// for the liveness checks to be judged).
	Horizon sim.Time
	// Allocator is the master's allocator, a name of
	// policies.AllocatorNames (drf, random, fifo, capacity); empty is drf,
	// Mesos's hierarchical DRF.
	Allocator string
	// Seed seeds the simulation's random streams.
	Seed uint64
}

// Agent is one agent host: its name (its network address is
// "agent/"+Name) and its resources in Mesos's text form
// ("cpus:4;mem:8192").
type Agent struct {
	Name      string
	Resources string
}

// Framework is one framework of a run; its scheduler comes from the
// NewScheduler given to Run or Check.
type Framework struct {
	Name            string
	PartitionAware  bool
	Checkpoint      bool
	FailoverTimeout sim.Time
}

// FaultPlan is an explicit fault timeline: no randomness is left in it
// (a Loss rule's drops are drawn from the run's seeded "network" stream).
type FaultPlan struct {
	// Loss are network rules (message types, loss probability, delay,
	// window); see sim.Rule.
	Loss []sim.Rule
	// Partitions cut address patterns from each other ("agent/a-1" from
	// "master"); see sim.Partition. One not healed by HealAt heals there.
	Partitions []sim.Partition
	// Crashes kill an agent process and restart it on the same host.
	Crashes []Crash
	// MasterFailovers kill the leading master at each time; a new leader
	// is elected model.LeaderElectionDelay later. A failover while no
	// master leads does nothing.
	MasterFailovers []sim.Time
}

// Crash kills agent Agent at At and restarts it (same agent ID, its
// checkpointed tasks recovered) at Restart.
type Crash struct {
	Agent       string
	At, Restart sim.Time
}

// Len is the number of faults in the plan.
func (p FaultPlan) Len() int {
	return len(p.Loss) + len(p.Partitions) + len(p.Crashes) + len(p.MasterFailovers)
}

// goTime writes t as a Go expression of package sim.
func goTime(t sim.Time) string {
	switch {
	case t == 0:
		return "0"
	case t == sim.Never:
		return "sim.Never"
	case t%sim.Hour == 0:
		return fmt.Sprintf("%d * sim.Hour", t/sim.Hour)
	case t%sim.Minute == 0:
		return fmt.Sprintf("%d * sim.Minute", t/sim.Minute)
	case t%sim.Second == 0:
		return fmt.Sprintf("%d * sim.Second", t/sim.Second)
	case t%sim.Millisecond == 0:
		return fmt.Sprintf("%d * sim.Millisecond", t/sim.Millisecond)
	}
	return fmt.Sprintf("sim.Time(%d)", int64(t))
}

func goStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

// GoString writes c as a Go literal (package simtest imported as simtest,
// sim as sim).
func (c Cluster) GoString() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("simtest.Cluster{")
	p("\tAgents: []simtest.Agent{")
	for _, a := range c.Agents {
		p("\t\t{Name: %q, Resources: %q},", a.Name, a.Resources)
	}
	p("\t},")
	p("\tFrameworks: []simtest.Framework{")
	for _, f := range c.Frameworks {
		p("\t\t{Name: %q, PartitionAware: %t, Checkpoint: %t, FailoverTimeout: %s},", f.Name, f.PartitionAware, f.Checkpoint, goTime(f.FailoverTimeout))
	}
	p("\t},")
	p("\tFaults: simtest.FaultPlan{")
	if len(c.Faults.Loss) > 0 {
		p("\t\tLoss: []sim.Rule{")
		for _, r := range c.Faults.Loss {
			line := fmt.Sprintf("\t\t\t{Types: %s, Loss: %v", goStrings(r.Types), r.Loss)
			if r.From != "" || r.To != "" {
				line += fmt.Sprintf(", From: %q, To: %q", r.From, r.To)
			}
			if r.Delay != (sim.DelayDist{}) {
				line += fmt.Sprintf(", Delay: %#v", r.Delay)
			}
			if r.Start != 0 || r.End != 0 {
				line += fmt.Sprintf(", Start: %s, End: %s", goTime(r.Start), goTime(r.End))
			}
			p("%s},", line)
		}
		p("\t\t},")
	}
	if len(c.Faults.Partitions) > 0 {
		p("\t\tPartitions: []sim.Partition{")
		for _, pt := range c.Faults.Partitions {
			p("\t\t\t{Name: %q, A: %s, B: %s, OneWay: %t, Start: %s, Heal: %s},",
				pt.Name, goStrings(pt.A), goStrings(pt.B), pt.OneWay, goTime(pt.Start), goTime(pt.Heal))
		}
		p("\t\t},")
	}
	if len(c.Faults.Crashes) > 0 {
		p("\t\tCrashes: []simtest.Crash{")
		for _, cr := range c.Faults.Crashes {
			p("\t\t\t{Agent: %q, At: %s, Restart: %s},", cr.Agent, goTime(cr.At), goTime(cr.Restart))
		}
		p("\t\t},")
	}
	if len(c.Faults.MasterFailovers) > 0 {
		ts := make([]string, len(c.Faults.MasterFailovers))
		for i, t := range c.Faults.MasterFailovers {
			ts[i] = goTime(t)
		}
		p("\t\tMasterFailovers: []sim.Time{%s},", strings.Join(ts, ", "))
	}
	p("\t},")
	p("\tHealAt: %s, ConvergeWithin: %s, Horizon: %s,", goTime(c.HealAt), goTime(c.ConvergeWithin), goTime(c.Horizon))
	p("\tSeed: %d,", c.Seed)
	b.WriteString("}")
	return b.String()
}

// check reports what is wrong with c, if anything.
func (c Cluster) check() error {
	if c.Allocator != "" && !slices.Contains(policies.AllocatorNames(), c.Allocator) {
		return fmt.Errorf("simtest: unknown allocator %q (known: %s)", c.Allocator, strings.Join(policies.AllocatorNames(), ", "))
	}
	if len(c.Agents) == 0 {
		return fmt.Errorf("simtest: cluster has no agents")
	}
	if len(c.Frameworks) == 0 {
		return fmt.Errorf("simtest: cluster has no frameworks")
	}
	if c.Horizon <= 0 {
		return fmt.Errorf("simtest: cluster has no horizon")
	}
	seen := map[string]bool{}
	for _, a := range c.Agents {
		if _, err := model.ParseResources(a.Resources); err != nil {
			return fmt.Errorf("simtest: agent %q: %v", a.Name, err)
		}
		seen[a.Name] = true
	}
	for _, r := range c.Faults.Loss {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("simtest: loss rule: %v", err)
		}
	}
	for _, p := range c.Faults.Partitions {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("simtest: %v", err)
		}
	}
	for _, cr := range c.Faults.Crashes {
		if !seen[cr.Agent] {
			return fmt.Errorf("simtest: crash of unknown agent %q", cr.Agent)
		}
		if cr.Restart <= cr.At {
			return fmt.Errorf("simtest: crash of %q: restart %v not after %v", cr.Agent, cr.Restart, cr.At)
		}
	}
	return nil
}
