package simtest

import (
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Options of a check (and of ClusterGen). Zero fields take the defaults
// in brackets.
type Options struct {
	// Agents is the most agents a cluster has; it has 1 to Agents, each
	// with 2-8 cpus and 2 GiB of memory per cpu [4].
	Agents int
	// Frameworks is how many frameworks run the user's scheduler [1].
	// Each is drawn partition-aware or not and checkpointing or not, with a
	// failover timeout of an hour.
	Frameworks int
	// MaxFaults is the most faults of a fault plan [4]: loss rules,
	// agent-master partitions, agent crash/restart pairs and master
	// failovers, each over before HealAt.
	MaxFaults int
	// HealAt is when every fault is over [5m]; ConvergeWithin the bound
	// for the views to agree and every task to settle after it [15m];
	// Horizon the length of a run [HealAt+ConvergeWithin+5m].
	HealAt, ConvergeWithin, Horizon sim.Time
	// MessageTypes are the message types loss rules draw from [RunTask,
	// StatusUpdate, UPDATE, ACKNOWLEDGE, StatusUpdateAcknowledgement,
	// OFFERS, ACCEPT, RECONCILE].
	MessageTypes []string
	// Checks is how many clusters Check runs when the test binary is not
	// given -rapid.checks [rapid's default, 100]. -rapid.checks, when
	// given, wins; -short divides either by 5, as rapid does.
	Checks int
	// ShrinkTime is how long rapid may spend shrinking a failure when the
	// test binary is not given -rapid.shrinktime [rapid's default, 30s].
	ShrinkTime time.Duration
	// Seed is rapid's seed when the test binary is not given -rapid.seed
	// [0: a random one per run, rapid's default]. A fixed seed makes the
	// search itself repeatable.
	Seed uint64
	// Allocator is the allocator of every drawn cluster (Cluster.Allocator)
	// [drf].
	Allocator string
}

// DefaultMessageTypes are the message types loss rules draw from by
// default.
var DefaultMessageTypes = []string{"RunTask", "StatusUpdate", "UPDATE", "ACKNOWLEDGE",
	"StatusUpdateAcknowledgement", "OFFERS", "ACCEPT", "RECONCILE"}

func (o Options) withDefaults() Options {
	if o.Agents <= 0 {
		o.Agents = 4
	}
	if o.Frameworks <= 0 {
		o.Frameworks = 1
	}
	if o.MaxFaults <= 0 {
		o.MaxFaults = 4
	}
	if o.HealAt <= 0 {
		o.HealAt = 5 * sim.Minute
	}
	if o.ConvergeWithin <= 0 {
		o.ConvergeWithin = 15 * sim.Minute
	}
	if o.Horizon <= 0 {
		o.Horizon = o.HealAt + o.ConvergeWithin + 5*sim.Minute
	}
	if len(o.MessageTypes) == 0 {
		o.MessageTypes = DefaultMessageTypes
	}
	return o
}

// Fault kinds, in the order rapid shrinks toward (a loss rule is the
// simplest fault).
const (
	faultLoss = iota
	faultPartition
	faultCrash
	faultMasterFailover
	faultKinds
)

// ClusterGen draws clusters for opt: agents, frameworks, a seed and a
// fault plan of 0 to MaxFaults Mesos-realistic faults, all over by HealAt
// (loss without duplication or reordering, agent-master partitions,
// crash/restart pairs keeping the agent ID, master failovers). rapid
// shrinks a failing cluster toward fewer agents and faults, simpler fault
// kinds, and earlier, shorter windows. Use it in a rapid property of your
// own:
//
//	rapid.Check(t, func(t *rapid.T) {
//		c := simtest.ClusterGen(opt).Draw(t, "cluster")
//		... simtest.Run(c, newScheduler) ...
//	})
func ClusterGen(opt Options) *rapid.Generator[Cluster] {
	opt = opt.withDefaults()
	return rapid.Custom(func(t *rapid.T) Cluster {
		return drawCluster(t, opt)
	})
}

func drawSeconds(t *rapid.T, lo, hi sim.Time, label string) sim.Time {
	return sim.Time(rapid.Int64Range(int64(lo/sim.Second), int64(hi/sim.Second)).Draw(t, label)) * sim.Second
}

func drawCluster(t *rapid.T, opt Options) Cluster {
	c := Cluster{
		Seed:           rapid.Uint64Range(1, 1<<20).Draw(t, "seed"),
		HealAt:         opt.HealAt,
		ConvergeWithin: opt.ConvergeWithin,
		Horizon:        opt.Horizon,
		Allocator:      opt.Allocator,
	}
	n := rapid.IntRange(1, opt.Agents).Draw(t, "agents")
	for i := range n {
		cpus := rapid.IntRange(2, 8).Draw(t, fmt.Sprintf("a-%d.cpus", i+1))
		c.Agents = append(c.Agents, Agent{Name: fmt.Sprintf("a-%d", i+1), Resources: fmt.Sprintf("cpus:%d;mem:%d", cpus, cpus*2048)})
	}
	for i := range opt.Frameworks {
		p := fmt.Sprintf("f%d.", i+1)
		c.Frameworks = append(c.Frameworks, Framework{
			Name:            fmt.Sprintf("f%d", i+1),
			PartitionAware:  rapid.Bool().Draw(t, p+"partition_aware"),
			Checkpoint:      rapid.Bool().Draw(t, p+"checkpoint"),
			FailoverTimeout: sim.Hour,
		})
	}
	heal := opt.HealAt
	last := heal - sim.Second
	agent := func(label string) string {
		return c.Agents[rapid.IntRange(0, n-1).Draw(t, label)].Name
	}
	fp := &c.Faults
	for i := range rapid.IntRange(0, opt.MaxFaults).Draw(t, "faults") {
		p := fmt.Sprintf("fault%d.", i+1)
		switch rapid.IntRange(0, faultKinds-1).Draw(t, p+"kind") {
		case faultLoss:
			r := sim.Rule{
				Types: rapid.SliceOfNDistinct(rapid.SampledFrom(opt.MessageTypes), 1, 3, rapid.ID[string]).Draw(t, p+"types"),
				Loss:  float64(rapid.IntRange(5, 50).Draw(t, p+"loss%")) / 100,
			}
			r.Start = drawSeconds(t, 0, last, p+"start")
			r.End = min(r.Start+drawSeconds(t, sim.Second, heal, p+"length"), heal)
			fp.Loss = append(fp.Loss, r)
		case faultPartition:
			a := agent(p + "agent")
			pt := sim.Partition{
				Name:   fmt.Sprintf("p%d", i+1),
				A:      []string{"agent/" + a},
				B:      []string{"master"},
				OneWay: rapid.Bool().Draw(t, p+"one_way"),
				Start:  drawSeconds(t, 0, last, p+"start"),
			}
			if rapid.Bool().Draw(t, p+"reversed") {
				pt.A, pt.B = pt.B, pt.A
			}
			pt.Heal = min(pt.Start+drawSeconds(t, sim.Second, heal, p+"length"), heal)
			fp.Partitions = append(fp.Partitions, pt)
		case faultCrash:
			cr := Crash{Agent: agent(p + "agent"), At: drawSeconds(t, sim.Second, last, p+"at")}
			cr.Restart = min(cr.At+drawSeconds(t, sim.Second, heal, p+"down"), heal)
			// An agent's crash windows do not overlap.
			if !slices.ContainsFunc(fp.Crashes, func(o Crash) bool {
				return o.Agent == cr.Agent && cr.At <= o.Restart && o.At <= cr.Restart
			}) {
				fp.Crashes = append(fp.Crashes, cr)
			}
		case faultMasterFailover:
			// The new leader is elected by HealAt.
			if last := heal - model.LeaderElectionDelay; last > sim.Second {
				fp.MasterFailovers = append(fp.MasterFailovers, drawSeconds(t, sim.Second, last, p+"at"))
			}
		}
	}
	return c
}
