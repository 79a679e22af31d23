package serve

import (
	"sort"
	"time"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// pending is a call accepted (202) and waiting for the end of its frozen
// instant.
type pending struct {
	fw    string
	rank  int    // the call type's place in the canonical order
	key   string // the call's canonical content
	think sim.Time
	apply func()
	// rec is the framework_call record written as it applies (Kind ""
	// for none).
	rec model.Record
}

// The canonical order of call types within one framework's calls of one
// instant: the connection first, then what ends offers, then the rest, and
// TEARDOWN last.
const (
	rankDisconnect = iota
	rankSubscribe
	rankAcknowledge
	rankReconcile
	rankAccept
	rankDecline
	rankKill
	rankShutdown
	rankSuppress
	rankRevive
	rankMessage
	rankRequest
	rankTeardown
)

// runLockStep is the lock-step loop: settle (wait for every external
// framework to be quiet, and for those expected to (re)subscribe), apply
// the instant's calls, advance to the next instant with events for an
// external framework. Called with s.mu held.
func (s *Server) runLockStep() {
	for {
		s.settle()
		s.halt = false
		s.applyCalls()
		if s.finished() {
			// Let the last TEARDOWNs reach the master before the end.
			end := min(s.w.Now()+sim.Second+2*s.sim.Scenario.Network.Delay, s.until)
			for s.w.Loop().Step(end) {
				s.checkLeader()
			}
			s.w.Run(end)
			return
		}
		if !s.advance() {
			s.w.Run(s.until)
			return
		}
	}
}

// settle waits, with s.mu released, until no external framework is
// awaited and all are quiet; the wall-clock caps (Wait, StepCap) bound it.
func (s *Server) settle() {
	s.steps++
	start := time.Now()
	waitStart := start
	for {
		awaited := s.awaited()
		if len(awaited) > 0 {
			start = time.Now()
			gaveUp := false
			for _, f := range awaited {
				limit := s.cfg.Wait
				if !f.added {
					limit = s.cfg.FirstWait
				}
				if time.Since(waitStart) > limit {
					f.gaveUp, gaveUp = true, true
					s.warnf("framework %s has not subscribed after %s of wall time; virtual time goes on without it", f.name, limit)
				}
			}
			if gaveUp {
				continue
			}
		} else {
			if s.quiet() {
				return
			}
			if time.Since(start) > s.cfg.StepCap {
				s.warnf("external frameworks not quiet after %s of wall time; virtual time goes on", s.cfg.StepCap)
				return
			}
		}
		s.mu.Unlock()
		time.Sleep(pollInterval)
		s.mu.Lock()
	}
}

// quiet reports whether no request is in flight, every event is written,
// and nothing happened for the quiescence window.
func (s *Server) quiet() bool {
	return s.flying == 0 && s.writes == 0 && time.Since(s.last) >= s.cfg.Quiet
}

// awaited returns the external frameworks virtual time waits for: entries
// that have not subscribed yet, and subscribed ones whose stream mesosim
// closed while a master leads (failover, a closed-stream fault), unless it
// gave up on them.
func (s *Server) awaited() []*extFramework {
	var out []*extFramework
	for _, name := range s.names() {
		f := s.fws[name]
		if f.gaveUp || f.torn || f.stream != nil {
			continue
		}
		if f.tearing {
			continue
		}
		if !f.added && f.spec != nil || f.added && s.w.Master() != nil && !s.hasPending(name, rankSubscribe) {
			out = append(out, f)
		}
	}
	return out
}

// hasPending reports whether a call of fw of the given rank waits to
// apply.
func (s *Server) hasPending(fw string, rank int) bool {
	for _, c := range s.calls {
		if c.fw == fw && c.rank == rank {
			return true
		}
	}
	return false
}

// applyCalls applies the instant's calls in the canonical order
// (framework, call type, content), each at now plus its think time.
func (s *Server) applyCalls() {
	calls := s.calls
	s.calls = nil
	sort.SliceStable(calls, func(i, j int) bool {
		a, b := calls[i], calls[j]
		if a.fw != b.fw {
			return a.fw < b.fw
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.key < b.key
	})
	for _, c := range calls {
		run := c.apply
		if c.rec.Kind != "" {
			rec := c.rec
			run = func() {
				s.w.Emit(rec)
				c.apply()
			}
		}
		if c.think > 0 {
			s.w.At(s.w.Now()+c.think, run)
		} else {
			run()
		}
	}
}

// finished reports whether the run may end before the horizon: some
// external framework subscribed, every one that did has torn down, and no
// entry is still awaited.
func (s *Server) finished() bool {
	if s.cfg.UntilHorizon {
		return false
	}
	any := false
	for _, name := range s.names() {
		f := s.fws[name]
		switch {
		case f.torn:
			any = true
		case f.added || !f.gaveUp:
			return false
		}
	}
	return any
}

// advance runs events until one has something for an external framework
// (or one becomes awaited), then every other event of that instant. It
// reports false at the horizon.
func (s *Server) advance() bool {
	loop := s.w.Loop()
	for !s.attention() {
		if !loop.Step(s.until) {
			return false
		}
		s.checkLeader()
	}
	for loop.Step(loop.Now()) {
		s.checkLeader()
	}
	return true
}

// attention reports whether an external framework has events to read or
// is awaited.
func (s *Server) attention() bool {
	return s.writes > 0 || s.halt || len(s.awaited()) > 0
}

// checkLeader closes every stream when the leading master changes (it
// died, or a new one was elected), as a real master's connections close.
func (s *Server) checkLeader() {
	m := s.w.Master()
	if m == s.leader {
		return
	}
	for _, name := range s.names() {
		s.closeStream(s.fws[name])
	}
	s.leader = m
	if m != nil {
		s.elected++
	} else if s.cfg.HoldElection {
		s.halt = true // one frozen instant as the leader dies: its frameworks see the election (503)
	}
}

// runScaled is --speed: virtual time follows the wall clock, scaled; calls
// apply at the virtual instant they are taken in. Not deterministic.
func (s *Server) runScaled() {
	start := time.Now()
	for {
		s.applyCalls()
		if s.finished() {
			return
		}
		target := sim.Time(float64(time.Since(start).Microseconds()) * s.cfg.Speed)
		if target >= s.until {
			target = s.until
		}
		loop := s.w.Loop()
		for loop.Step(target) {
			s.checkLeader()
		}
		s.w.Run(target) // the clock to target
		if target == s.until {
			s.w.Run(s.until)
			return
		}
		s.steps++
		s.mu.Unlock()
		time.Sleep(pollInterval)
		s.mu.Lock()
	}
}
