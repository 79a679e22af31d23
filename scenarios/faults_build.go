package scenarios

import (
	"fmt"
	"strings"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Fault names of the fault records the builder emits (the world emits its
// own for crashes, restarts, failovers and elections).
const (
	FaultPartition = "partition" // a partition starts
	FaultHeal      = "heal"      // a partition heals
	FaultHealAll   = "heal_all"  // heal_at: no fault applies from here on
	FaultSwarm     = "swarm"     // at t=0, one per fault swarm mode drew
)

// faultState is the builder's side of the fault model: the network's
// sim.Faults and the partitions, for their fault records.
type faultState struct {
	f      *sim.Faults
	healAt sim.Time // when HealAll applies; sim.Never: never within the run
	parts  []*livePart
	byName map[string]*livePart
}

// livePart is one partition as the fault records tell it.
type livePart struct {
	p               sim.Partition
	started, healed bool
}

// needsNetworkFaults reports whether the scenario needs a sim.Faults: a
// faults section, or a partition added by the timeline.
func (sc *Scenario) needsNetworkFaults() bool {
	if sc.Faults.Section {
		return true
	}
	for _, e := range sc.Timeline {
		if e.Kind == KindPartition || e.Kind == KindHeal {
			return true
		}
	}
	return false
}

// installFaults puts a sim.Faults (drawing from the "network" stream) on
// the world's network, with the section's rules and partitions, and the
// heal at heal_at when it comes before the end of the run. It schedules
// nothing.
func (s *Sim) installFaults() {
	sc, w := s.Scenario, s.World
	if h := sc.Faults.HealAt; h != 0 && h != sim.Never && h >= sc.Duration {
		sc.Faults.HealAt = sim.Never // the duration was cut short after decoding
	}
	if !sc.needsNetworkFaults() {
		return
	}
	fs := &faultState{f: sim.NewFaults(w.Streams().Get("network")), healAt: sim.Never, byName: map[string]*livePart{}}
	w.Network().SetFaults(fs.f)
	if h := sc.Faults.HealAt; h != sim.Never && h < sc.Duration && sc.Faults.Section {
		fs.healAt = h
		fs.f.HealAll(h)
	}
	s.faults = fs
	for _, r := range sc.Faults.Network {
		fs.f.AddRule(r.Rule)
	}
	for _, p := range sc.Faults.Partitions {
		fs.f.AddPartition(p.Partition)
	}
}

// logSectionPartitions schedules the start and heal records of the
// section's partitions.
func (s *Sim) logSectionPartitions() {
	if s.faults == nil {
		return
	}
	for _, p := range s.Scenario.Faults.Partitions {
		s.logPartition(p.Partition)
	}
}

// logPartition registers a partition added at build time and schedules
// its start and heal records.
func (s *Sim) logPartition(p sim.Partition) {
	lp := s.faults.register(p)
	s.World.At(p.Start, func() { s.startPartition(lp) })
	if p.Heal != 0 {
		s.World.At(p.Heal, func() { s.healPartition(lp, "") })
	}
}

func (fs *faultState) register(p sim.Partition) *livePart {
	lp := &livePart{p: p}
	fs.parts = append(fs.parts, lp)
	fs.byName[p.Name] = lp
	return lp
}

// startPartition logs a partition's start, unless it is over already.
func (s *Sim) startPartition(lp *livePart) {
	if lp.healed || lp.started || s.World.Now() >= s.faults.healAt {
		return
	}
	lp.started = true
	s.World.Emit(model.Record{Kind: model.KindFault, Fault: FaultPartition, Detail: partitionDetail(lp.p)})
}

// healPartition logs a partition's heal, once.
func (s *Sim) healPartition(lp *livePart, why string) {
	if lp.healed {
		return
	}
	lp.healed = true
	if !lp.started {
		return
	}
	d := partitionDetail(lp.p)
	if why != "" {
		d += " (" + why + ")"
	}
	s.World.Emit(model.Record{Kind: model.KindFault, Fault: FaultHeal, Detail: d})
}

// partitionDetail describes a partition: "NAME: A <-> B", "->" when one
// way, each side its patterns joined by commas.
func partitionDetail(p sim.Partition) string {
	arrow := " <-> "
	if p.OneWay {
		arrow = " -> "
	}
	return p.Name + ": " + strings.Join(p.A, ",") + arrow + strings.Join(p.B, ",")
}

// scheduleHealAll logs heal_at: the partitions still cut heal, then a
// heal_all record. Scheduled after everything else of the build, so that
// at heal_at it comes after the timeline.
func (s *Sim) scheduleHealAll() {
	fs := s.faults
	if fs == nil || fs.healAt == sim.Never {
		return
	}
	s.World.At(fs.healAt, func() {
		for _, lp := range fs.parts {
			s.healPartition(lp, "heal_at")
		}
		s.World.Emit(model.Record{Kind: model.KindFault, Fault: FaultHealAll,
			Detail: fmt.Sprintf("no fault applies from here on; views must converge within %s", s.Scenario.Faults.ConvergeWithin)})
	})
}

// scheduleFault schedules a timeline fault action; ok is false for other
// kinds.
func (s *Sim) scheduleFault(e *Event) (fn func(), ok bool) {
	w := s.World
	switch e.Kind {
	case KindCrashAgent:
		return func() { s.must(w.CrashAgent(e.Name)) }, true
	case KindRestartAgent:
		return func() { s.must(w.RestartAgent(e.Name, e.Reboot)) }, true
	case KindMasterFailover:
		return func() { w.FailMaster(e.Delay) }, true
	case KindFrameworkFailover:
		w.At(e.At+e.Delay, func() {
			if w.Framework(e.Name) != nil { // an external one may never have subscribed
				s.must(w.ReconnectFramework(e.Name))
			}
		})
		return func() { s.must(w.DisconnectFramework(e.Name)) }, true
	case KindPartition:
		p := *e.Partition
		return func() {
			lp := s.faults.register(p)
			s.faults.f.AddPartition(p)
			s.startPartition(lp)
			if p.Heal != 0 {
				w.At(p.Heal, func() { s.healPartition(lp, "") })
			}
		}, true
	case KindHeal:
		return func() {
			s.faults.f.Heal(e.Name, w.Now())
			if lp := s.faults.byName[e.Name]; lp != nil {
				s.healPartition(lp, "")
			}
		}, true
	}
	return nil, false
}
