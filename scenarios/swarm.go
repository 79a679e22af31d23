package scenarios

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Swarm mode (faults.swarm: true), after TigerBeetle's simulator: the
// fault model itself is drawn from the seed, so that many seeds explore
// many kinds of bad days. Every draw comes from the world's "faults"
// stream, in the fixed order below, at build time; docs/scenarios.md
// ("Swarm mode") gives the same distributions. All drawn times are whole
// milliseconds, and every fault lies inside [0, H), H being heal_at when
// the faults heal before the end of the run, else the duration.
const (
	swarmMaxLoss        = 0.3
	swarmMaxDuplicate   = 0.05
	swarmMaxDelayMin    = 10 * sim.Millisecond
	swarmMaxDelaySpread = 100 * sim.Millisecond
	swarmMaxPartitions  = 3
	swarmPartitionMin   = 10 * sim.Second
	swarmPartitionMax   = 5 * sim.Minute
	swarmMaxCrashes     = 3
	swarmDownMin        = 10 * sim.Second
	swarmDownMax        = 5 * sim.Minute
	swarmFailoverP      = 0.3
	swarmMaxFwFailovers = 2
	swarmFwDownMin      = 5 * sim.Second
	swarmFwDownMax      = 2 * sim.Minute
)

// swarmPlan is what swarm mode drew.
type swarmPlan struct {
	rules      []sim.Rule
	partitions []sim.Partition
	crashes    []swarmCrash
	failover   sim.Time // master failover; -1: none
	fwDowns    []swarmFwDown
	records    []model.Record // one fault record per drawn fault
}

type swarmCrash struct {
	agent       string
	at, restart sim.Time
	reboot      bool
}

type swarmFwDown struct {
	framework string
	at, down  sim.Time
}

// window is a closed interval of simulated time.
type window struct{ from, to sim.Time }

func (a window) overlaps(b window) bool { return a.from <= b.to && b.from <= a.to }

// actor is an agent or framework as the swarm sees the scenario: when it
// is present, and the windows it is busy (crashed, failing over, or named
// by a timeline action) in which swarm mode must not fault it again.
type actor struct {
	name          string
	from, removed sim.Time // present in [from, removed)
	busy          []window
}

// eligible reports whether a fault over w may pick the actor.
func (a *actor) eligible(w window) bool {
	if w.from < a.from || w.to >= a.removed {
		return false
	}
	for _, b := range a.busy {
		if b.overlaps(w) {
			return false
		}
	}
	return true
}

// swarmActors reads the agents and frameworks of a scenario, in file
// order (top level, then timeline adds), with their busy windows.
func swarmActors(sc *Scenario) (agents, frameworks []*actor, elections []window) {
	byAgent, byFw := map[string]*actor{}, map[string]*actor{}
	addA := func(name string, at sim.Time) {
		a := &actor{name: name, from: at, removed: sim.Never}
		agents = append(agents, a)
		byAgent[name] = a
	}
	addF := func(name string, at sim.Time) {
		f := &actor{name: name, from: at, removed: sim.Never}
		frameworks = append(frameworks, f)
		byFw[name] = f
	}
	for _, a := range sc.Agents {
		addA(a.Name, 0)
	}
	for _, f := range sc.Frameworks {
		addF(f.Name, 0)
	}
	crashAt := map[string]sim.Time{}
	busyF := func(name string, w window) {
		if f := byFw[name]; f != nil {
			f.busy = append(f.busy, w)
		}
	}
	for _, e := range sc.Timeline {
		switch e.Kind {
		case KindAddAgent:
			addA(e.Agent.Name, e.At)
		case KindAddFramework:
			addF(e.Framework.Name, e.At)
		case KindRemoveAgent, KindMarkAgentGone:
			if a := byAgent[e.Name]; a != nil {
				a.removed = e.At
			}
		case KindRemoveFramework:
			if f := byFw[e.Name]; f != nil {
				f.removed = e.At
			}
		case KindCrashAgent:
			crashAt[e.Name] = e.At
			if a := byAgent[e.Name]; a != nil {
				a.busy = append(a.busy, window{e.At, sim.Never})
			}
		case KindRestartAgent:
			if a := byAgent[e.Name]; a != nil && len(a.busy) > 0 {
				a.busy[len(a.busy)-1] = window{crashAt[e.Name], e.At}
			}
		case KindFrameworkFailover:
			busyF(e.Name, window{e.At, e.At + e.Delay})
		case KindSuppress, KindRevive:
			busyF(e.Name, window{e.At, e.At})
		case KindDecline, KindRelease:
			busyF(e.FrameworkName, window{e.At, e.At})
		case KindMasterFailover:
			elections = append(elections, window{e.At, e.At + e.Delay})
		}
	}
	return agents, frameworks, elections
}

// swarmRand draws what swarm mode needs from the "faults" stream.
type swarmRand struct{ r *rand.Rand }

// p returns a probability uniform in [0, max], rounded to 4 decimals.
func (s swarmRand) p(max float64) float64 { return math.Round(s.r.Float64()*max*1e4) / 1e4 }

// chance is true with probability p.
func (s swarmRand) chance(p float64) bool { return s.r.Float64() < p }

// n returns an integer uniform in [0, n).
func (s swarmRand) n(n int) int { return s.r.IntN(n) }

// between returns a time uniform in [lo, hi], whole milliseconds.
func (s swarmRand) between(lo, hi sim.Time) sim.Time {
	ms := uint64((hi - lo) / sim.Millisecond)
	return lo + sim.Time(s.r.Uint64N(ms+1))*sim.Millisecond
}

// before returns a time uniform in [0, t) in whole milliseconds, and false
// when there is no such time (t under 1 ms).
func (s swarmRand) before(t sim.Time) (sim.Time, bool) {
	ms := uint64(t / sim.Millisecond)
	if t%sim.Millisecond != 0 {
		ms++ // [0, t) holds the millisecond ms-1 too
	}
	if ms == 0 {
		return 0, false
	}
	return sim.Time(s.r.Uint64N(ms)) * sim.Millisecond, true
}

// drawSwarm draws the swarm's faults for a scenario whose faults heal at
// h (or which ends then).
func drawSwarm(sc *Scenario, rng *rand.Rand, h sim.Time) *swarmPlan {
	r := swarmRand{rng}
	plan := &swarmPlan{failover: -1}
	note := func(rec model.Record, format string, args ...any) {
		rec.Kind, rec.Fault, rec.Detail = model.KindFault, FaultSwarm, fmt.Sprintf(format, args...)
		plan.records = append(plan.records, rec)
	}
	agents, frameworks, elections := swarmActors(sc)

	// 1. Loss: a density q, then each message type with probability q.
	q := r.r.Float64()
	for _, t := range MessageTypes {
		if !r.chance(q) {
			continue
		}
		loss := r.p(swarmMaxLoss)
		plan.rules = append(plan.rules, sim.Rule{Types: []string{t}, Loss: loss})
		note(model.Record{}, "loss %s of %s", fmtP(loss), t)
	}

	// 2. Delay of every message. (Duplication is drawn, for the stream's
	// sake, but not applied: like reordering it goes beyond real Mesos,
	// whose network delivers at most once per pair, and swarm mode stays
	// within what Mesos can meet.)
	_ = r.p(swarmMaxDuplicate)
	dup := 0.0
	lo := r.between(0, swarmMaxDelayMin)
	hi := lo + r.between(0, swarmMaxDelaySpread)
	plan.rules = append(plan.rules, sim.Rule{Duplicate: dup, Delay: sim.DelayDist{Kind: sim.DelayUniform, Min: lo, Max: hi}})
	note(model.Record{}, "delay uniform %s..%s of every message", lo, hi)

	// 3. Partitions.
	for i := range r.n(swarmMaxPartitions + 1) {
		p := sim.Partition{Name: SwarmPrefix + strconv.Itoa(i+1)}
		if len(agents) == 0 || r.chance(0.25) {
			p.A, p.B = []string{string(model.MasterAddress)}, []string{"*"}
		} else {
			k := 1 + r.n(min(3, len(agents)))
			idx := make([]int, len(agents))
			for j := range idx {
				idx[j] = j
			}
			for j := range k { // a partial Fisher-Yates shuffle
				m := j + r.n(len(idx)-j)
				idx[j], idx[m] = idx[m], idx[j]
				name := agents[idx[j]].name
				p.A = append(p.A, string(model.AgentAddress(name)), string(model.AgentAddress(name+"#*")))
			}
			p.B = []string{string(model.MasterAddress)}
		}
		p.OneWay = r.chance(0.2)
		length := r.between(swarmPartitionMin, swarmPartitionMax)
		start, ok := r.before(h)
		if !ok {
			continue
		}
		p.Start, p.Heal = start, min(start+length, h)
		plan.partitions = append(plan.partitions, p)
		note(model.Record{}, "partition %s from %s to %s", partitionDetail(p), p.Start, p.Heal)
	}

	// 4. Agent crashes, each with its restart.
	for range r.n(swarmMaxCrashes + 1) {
		down := r.between(swarmDownMin, swarmDownMax)
		reboot := r.chance(0.25)
		if h <= down {
			continue
		}
		at, _ := r.before(h - down)
		w := window{at, at + down}
		a := pick(r, agents, w)
		if a == nil {
			continue
		}
		a.busy = append(a.busy, w)
		c := swarmCrash{agent: a.name, at: at, restart: at + down, reboot: reboot}
		plan.crashes = append(plan.crashes, c)
		how := ""
		if reboot {
			how = " with reboot"
		}
		note(model.Record{Agent: a.name}, "crash_agent %s at %s, restart_agent at %s%s", a.name, c.at, c.restart, how)
	}

	// 5. A master failover.
	if r.chance(swarmFailoverP) && h > model.LeaderElectionDelay {
		at, _ := r.before(h - model.LeaderElectionDelay)
		w := window{at, at + model.LeaderElectionDelay}
		clash := false
		for _, e := range elections {
			clash = clash || e.overlaps(w)
		}
		if !clash {
			plan.failover = at
			note(model.Record{}, "master_failover at %s, election_delay %s", at, model.LeaderElectionDelay)
		}
	}

	// 6. Framework failovers.
	for range r.n(swarmMaxFwFailovers + 1) {
		down := r.between(swarmFwDownMin, swarmFwDownMax)
		if h <= down {
			continue
		}
		at, _ := r.before(h - down)
		w := window{at, at + down}
		f := pick(r, frameworks, w)
		if f == nil {
			continue
		}
		f.busy = append(f.busy, w)
		plan.fwDowns = append(plan.fwDowns, swarmFwDown{framework: f.name, at: at, down: down})
		note(model.Record{Framework: f.name}, "framework_failover %s at %s, down %s", f.name, at, down)
	}
	return plan
}

// pick draws one of the actors eligible for a fault over w (nil: none).
func pick(r swarmRand, actors []*actor, w window) *actor {
	var ok []*actor
	for _, a := range actors {
		if a.eligible(w) {
			ok = append(ok, a)
		}
	}
	if len(ok) == 0 {
		return nil
	}
	return ok[r.n(len(ok))]
}

func fmtP(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }

// installSwarm draws the swarm's faults and logs them at t=0, before
// anything else of the run; applySwarm wires them after the timeline.
func (s *Sim) installSwarm() {
	sc := s.Scenario
	if !sc.Faults.Swarm || s.faults == nil {
		return
	}
	h := sc.Duration
	if s.faults.healAt != sim.Never {
		h = s.faults.healAt
	}
	s.swarm = drawSwarm(sc, s.World.Streams().Get("faults"), h)
	recs := s.swarm.records
	s.World.At(0, func() {
		for _, r := range recs {
			s.World.Emit(r)
		}
	})
}

func (s *Sim) applySwarm() {
	plan, w := s.swarm, s.World
	if plan == nil {
		return
	}
	for _, r := range plan.rules {
		s.faults.f.AddRule(r)
	}
	for _, p := range plan.partitions {
		s.faults.f.AddPartition(p)
		s.logPartition(p)
	}
	for _, c := range plan.crashes {
		w.At(c.at, func() { s.must(w.CrashAgent(c.agent)) })
		w.At(c.restart, func() { s.must(w.RestartAgent(c.agent, c.reboot)) })
	}
	if plan.failover >= 0 {
		w.At(plan.failover, func() { w.FailMaster(model.LeaderElectionDelay) })
	}
	for _, f := range plan.fwDowns {
		w.At(f.at, func() { s.must(w.DisconnectFramework(f.framework)) })
		w.At(f.at+f.down, func() { s.must(w.ReconnectFramework(f.framework)) })
	}
}

// SwarmSchedule returns what swarm mode drew, one line per fault, as the
// `swarm` fault records at t=0 give them; nil without swarm mode.
func (s *Sim) SwarmSchedule() []string {
	if s.swarm == nil {
		return nil
	}
	out := make([]string, len(s.swarm.records))
	for i, r := range s.swarm.records {
		out[i] = r.Detail
	}
	return out
}
