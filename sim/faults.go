package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Kinds of DelayDist.
const (
	DelayNone        = ""            // no extra delay
	DelayFixed       = "fixed"       // always Value
	DelayUniform     = "uniform"     // Min..Max inclusive, whole microseconds
	DelayExponential = "exponential" // mean Mean, clamped to [Min, Max] where set
)

// Drop reasons a Faults model puts in Route.Reason.
const (
	ReasonLoss      = "loss"
	ReasonPartition = "partition:" // followed by the partition's name
)

// DelayDist is a delay distribution: fixed (Value), uniform (Min..Max) or
// exponential (Mean, clamped to [Min, Max] where Min or Max is non-zero).
// The zero value adds no delay.
type DelayDist struct {
	Kind                  string
	Value, Min, Max, Mean Time
}

// Validate reports what is wrong with d, if anything.
func (d DelayDist) Validate() error {
	if d.Value < 0 || d.Min < 0 || d.Max < 0 || d.Mean < 0 {
		return fmt.Errorf("delay %q: negative duration", d.Kind)
	}
	switch d.Kind {
	case DelayNone:
		if d != (DelayDist{}) {
			return errors.New("delay has durations but no kind (fixed, uniform, exponential)")
		}
	case DelayFixed:
	case DelayUniform:
		if d.Max < d.Min {
			return fmt.Errorf("uniform delay: max %v below min %v", d.Max, d.Min)
		}
	case DelayExponential:
		if d.Max != 0 && d.Max < d.Min {
			return fmt.Errorf("exponential delay: max %v below min %v", d.Max, d.Min)
		}
	default:
		return fmt.Errorf("unknown delay kind %q (want fixed, uniform or exponential)", d.Kind)
	}
	return nil
}

// draw returns one delay. It consumes randomness only when the outcome is
// uncertain: one Uint64N for a uniform delay with Min < Max, one ExpFloat64
// for an exponential delay with Mean > 0, nothing otherwise.
func (d DelayDist) draw(rng *rand.Rand) Time {
	switch d.Kind {
	case DelayFixed:
		return d.Value
	case DelayUniform:
		if d.Max <= d.Min {
			return d.Min
		}
		return d.Min + Time(rng.Uint64N(uint64(d.Max-d.Min)+1))
	case DelayExponential:
		var t Time
		if d.Mean > 0 {
			x := math.Round(rng.ExpFloat64() * float64(d.Mean))
			if x >= float64(Never) {
				t = Never
			} else {
				t = Time(x)
			}
		}
		if d.Min > 0 && t < d.Min {
			t = d.Min
		}
		if d.Max > 0 && t > d.Max {
			t = d.Max
		}
		return t
	}
	return 0
}

// Rule is a network fault applied to the messages it matches: those whose
// Message.Type() is one of Types (empty: every type), sent from an address
// matching From to one matching To (patterns as in MatchAddress; empty: any
// address), while the rule is active (Start <= now < End; End 0: forever).
type Rule struct {
	Types    []string
	From, To string

	Loss      float64   // probability that a copy is dropped
	Duplicate float64   // probability of one extra copy
	Delay     DelayDist // extra delay of each copy

	// Reorder lets the message's copies overtake earlier messages of the
	// same (sender, receiver) pair, and be overtaken by later ones; it sets
	// Route.Unordered. This is beyond real Mesos, whose per-pair links are
	// ordered (../shared/reference/mesos-protocol.md, "Delivery").
	Reorder bool

	Start, End Time
}

// Validate reports what is wrong with r, if anything.
func (r Rule) Validate() error {
	var errs []error
	prob := func(name string, p float64) {
		if !(p >= 0 && p <= 1) { // also catches NaN
			errs = append(errs, fmt.Errorf("%s probability %v outside [0, 1]", name, p))
		}
	}
	prob("loss", r.Loss)
	prob("duplicate", r.Duplicate)
	if err := r.Delay.Validate(); err != nil {
		errs = append(errs, err)
	}
	if r.Start < 0 {
		errs = append(errs, fmt.Errorf("negative start %v", r.Start))
	}
	if r.End < 0 || (r.End != 0 && r.End <= r.Start) {
		errs = append(errs, fmt.Errorf("end %v not after start %v", r.End, r.Start))
	}
	return errors.Join(errs...)
}

// active reports whether r applies at now.
func (r *Rule) active(now Time) bool {
	return now >= r.Start && (r.End == 0 || now < r.End)
}

// matches reports whether r applies to e; msgType is e.Msg.Type(), asked
// for at most once per message.
func (r *Rule) matches(e Envelope, msgType func() string) bool {
	if r.From != "" && !MatchAddress(r.From, e.From) {
		return false
	}
	if r.To != "" && !MatchAddress(r.To, e.To) {
		return false
	}
	return len(r.Types) == 0 || slices.Contains(r.Types, msgType())
}

// Faults is a deterministic, seeded network fault model: loss, delay,
// duplication and reordering by rule, and partitions. It implements
// FaultModel.
//
// All randomness comes from the one generator given to NewFaults (the
// simulation's "network" stream), drawn in a fixed order for each message,
// so one seed and one sequence of sends give one sequence of routes. A draw
// is made only when its outcome is uncertain: a rule with zero loss and
// duplication and a fixed delay, an inactive or non-matching rule, a
// partitioned message and anything after HealAll draw nothing, so adding
// such a rule leaves every other message's fate unchanged.
type Faults struct {
	rng     *rand.Rand
	rules   []Rule
	parts   []partition
	healAll Time // from then on no rule or partition applies; Never: not set
}

// NewFaults returns a fault model with no rules or partitions (a perfect
// network) drawing from rng.
func NewFaults(rng *rand.Rand) *Faults {
	return &Faults{rng: rng, healAll: Never}
}

// AddRule appends a rule; rules apply in the order added. It panics on a
// rule that fails Validate: check scenario input with Validate first.
func (f *Faults) AddRule(r Rule) {
	if err := r.Validate(); err != nil {
		panic("sim: AddRule: " + err.Error())
	}
	r.Types = slices.Clone(r.Types)
	f.rules = append(f.rules, r)
}

// AddPartition adds a partition. It panics on one that fails Validate.
func (f *Faults) AddPartition(p Partition) {
	if err := p.Validate(); err != nil {
		panic("sim: AddPartition: " + err.Error())
	}
	p.A, p.B = slices.Clone(p.A), slices.Clone(p.B)
	until := p.Heal
	if until == 0 {
		until = Never
	}
	f.parts = append(f.parts, partition{Partition: p, until: until, reason: ReasonPartition + p.Name})
}

// HealAll starts the liveness phase: from at on, no rule or partition
// applies and every message gets a single copy with no extra delay (and no
// draw). A later call can only bring that time earlier.
func (f *Faults) HealAll(at Time) { f.healAll = min(f.healAll, max(at, 0)) }

// Perfect reports whether every message sent at now would be routed as one
// ordered copy with no extra delay and no draw: heal_at has passed, or no
// rule and no partition is active at now. Route then has nothing to decide,
// and the network skips it (Network.Send).
func (f *Faults) Perfect(now Time) bool {
	if now >= f.healAll {
		return true
	}
	for i := range f.parts {
		if f.parts[i].active(now) {
			return false
		}
	}
	for i := range f.rules {
		if f.rules[i].active(now) {
			return false
		}
	}
	return true
}

// Route decides the fate of one message sent at now. A message crossing an
// active partition is dropped (Reason "partition:NAME", the first such
// partition added). Otherwise the message starts as one copy with no extra
// delay, and every active rule that matches it applies in the order added:
//
//  1. loss: each copy, in order, is dropped with probability Loss;
//  2. duplication: with probability Duplicate, one more copy is appended,
//     carrying the delay the last copy has so far;
//  3. delay: each copy, in order, adds a delay drawn from Delay.
//
// When no copy is left the message is dropped (Reason "loss") and later
// rules are not consulted. If any rule that applied has Reorder, the route
// is Unordered.
func (f *Faults) Route(now Time, e Envelope) Route {
	if now >= f.healAll {
		return Route{Delays: []Time{0}}
	}
	if p := f.partition(now, e.From, e.To); p != nil {
		return Route{Reason: p.reason}
	}
	var typ string
	typed := false
	msgType := func() string {
		if !typed {
			typed = true
			if e.Msg != nil {
				typ = e.Msg.Type()
			}
		}
		return typ
	}
	delays := []Time{0}
	unordered := false
	for i := range f.rules {
		r := &f.rules[i]
		if !r.active(now) || !r.matches(e, msgType) {
			continue
		}
		if r.Loss > 0 {
			kept := delays[:0]
			for _, d := range delays {
				if !f.chance(r.Loss) {
					kept = append(kept, d)
				}
			}
			delays = kept
			if len(delays) == 0 {
				return Route{Reason: ReasonLoss}
			}
		}
		if r.Duplicate > 0 && f.chance(r.Duplicate) {
			delays = append(delays, delays[len(delays)-1])
		}
		if r.Delay.Kind != DelayNone {
			for j := range delays {
				delays[j] = addSat(delays[j], r.Delay.draw(f.rng))
			}
		}
		unordered = unordered || r.Reorder
	}
	return Route{Delays: delays, Unordered: unordered}
}

// chance reports true with probability p in (0, 1], drawing only when p < 1.
func (f *Faults) chance(p float64) bool {
	if p >= 1 {
		return true
	}
	return f.rng.Float64() < p
}
