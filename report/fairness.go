package report

import "github.com/mesosim/mesosim/sim"

// jainState holds the running sums of Jain's fairness index over the roles
// with demand, x = dominant share / weight:
//
//	J = (Σx)² / (n Σx²)
//
// and its integral over the time when n > 0.
//
// The sums are updated incrementally when one role's term changes. They are
// rebuilt from scratch (dirty) when the cluster total changes, since that
// changes every role's share, and after every len(roles)+rebuildSlack
// incremental updates, so that rounding from subtracting old terms never
// accumulates over a long run; both keep the cost amortised O(1) role
// updates per record.
type jainState struct {
	n       int     // roles with demand
	nonzero int     // of which with x != 0
	sum     float64 // Σx
	sq      float64 // Σx²
	dirty   bool    // the sums must be rebuilt before use
	updates int     // incremental updates since the last rebuild

	last sim.Time // integrals closed up to here
	intJ float64  // ∫ J dt over the time with demand, µs
	time float64  // time with demand, µs
}

// rebuildSlack is added to the number of roles to give how many
// incremental updates are allowed between two rebuilds.
const rebuildSlack = 16

// jainX is r's term: its dominant share against the current total divided
// by its weight.
func (s *Summary) jainX(r *role) float64 {
	return s.share(r.acct.alloc) / r.weight
}

func (j *jainState) add(x float64) {
	j.n++
	j.sum += x
	j.sq += x * x
	if x != 0 {
		j.nonzero++
	}
}

// jainUpdate brings r's term in the sums up to date after its allocation,
// weight or demand changed.
func (s *Summary) jainUpdate(r *role) {
	j := &s.jain
	if j.dirty || (!r.inJ && r.demand == 0) {
		return // rebuilt before the sums are next used, or not counted
	}
	if j.updates++; j.updates > len(s.roleList)+rebuildSlack {
		j.dirty = true
		return
	}
	if r.inJ {
		j.n--
		j.sum -= r.x
		j.sq -= r.x * r.x
		if r.x != 0 {
			j.nonzero--
		}
		r.inJ = false
	}
	if r.demand > 0 {
		r.x = s.jainX(r)
		r.inJ = true
		j.add(r.x)
	}
	if j.nonzero == 0 { // every term is exactly 0: drop any rounding left
		j.sum, j.sq = 0, 0
	}
}

// jainRebuild recomputes the sums from every role, in creation order.
func (s *Summary) jainRebuild() {
	j := &s.jain
	j.n, j.nonzero, j.sum, j.sq = 0, 0, 0, 0
	for _, r := range s.roleList {
		r.inJ = r.demand > 0
		if r.inJ {
			r.x = s.jainX(r)
			j.add(r.x)
		}
	}
	j.dirty = false
	j.updates = 0
}

// jainNow returns J for the current state and whether any role has demand.
// With every term 0 (no role holds anything) the shares are equal: J = 1.
func (s *Summary) jainNow() (float64, bool) {
	j := &s.jain
	if j.dirty {
		s.jainRebuild()
	}
	if j.n == 0 {
		return 0, false
	}
	if j.nonzero == 0 || j.sq <= 0 {
		return 1, true
	}
	n := float64(j.n)
	v := j.sum * j.sum / (n * j.sq)
	// Mathematically 1/n <= J <= 1; keep rounding inside.
	return min(max(v, 1/n), 1), true
}

// jainAccrue closes the fairness integrals up to now, with the state as it
// has been since the last call.
func (s *Summary) jainAccrue(now sim.Time) {
	j := &s.jain
	if now <= j.last {
		return
	}
	if v, ok := s.jainNow(); ok {
		d := float64(now - j.last)
		j.intJ += v * d
		j.time += d
	}
	j.last = now
}

// jainMean is the time-weighted mean of J over the time with demand, closed
// at end; over a zero duration the value at end when a role has demand;
// otherwise 0.
func (s *Summary) jainMean(end sim.Time) float64 {
	j := &s.jain
	if j.time > 0 {
		return j.intJ / j.time
	}
	if end == 0 {
		if v, ok := s.jainNow(); ok {
			return v
		}
	}
	return 0
}
