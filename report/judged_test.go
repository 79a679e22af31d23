package report

import (
	"slices"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

func TestJudged(t *testing.T) {
	all := InvariantNames()
	noLive := []string{InvUpdateOrder, InvNoResurrection, InvReconciliation + " (answers only)", InvAckBeforeForget, InvSingleLeader, InvResources}
	for _, tc := range []struct {
		name     string
		cfg      CheckerConfig
		end      sim.Time
		unjudged []string
		judged   []string
	}{
		{"heals in time", CheckerConfig{HealAt: 10 * sim.Minute, ConvergeWithin: 15 * sim.Minute}, 25 * sim.Minute, nil, all},
		{"ends a microsecond early", CheckerConfig{HealAt: 10 * sim.Minute, ConvergeWithin: 15 * sim.Minute}, 25*sim.Minute - 1,
			[]string{SkipConvergence, InvLiveness}, noLive},
		{"never heals", CheckerConfig{HealAt: sim.Never, ConvergeWithin: 15 * sim.Minute}, sim.Hour,
			[]string{SkipConvergence, InvLiveness}, noLive},
		{"no faults, long enough", CheckerConfig{ConvergeWithin: 15 * sim.Minute}, sim.Hour, nil, all},
		{"skip convergence", CheckerConfig{ConvergeWithin: 15 * sim.Minute, Skip: []string{SkipConvergence}}, sim.Hour, nil,
			[]string{InvUpdateOrder, InvNoResurrection, InvReconciliation + " (answers only)", InvLiveness, InvAckBeforeForget, InvSingleLeader, InvResources}},
		{"skip an invariant", CheckerConfig{ConvergeWithin: 15 * sim.Minute, Skip: []string{InvResources}}, sim.Hour, nil, all[:len(all)-1]},
	} {
		if got := tc.cfg.Unjudged(tc.end); !slices.Equal(got, tc.unjudged) {
			t.Errorf("%s: Unjudged = %v, want %v", tc.name, got, tc.unjudged)
		}
		if got := tc.cfg.Judged(tc.end); !slices.Equal(got, tc.judged) {
			t.Errorf("%s: Judged = %v, want %v", tc.name, got, tc.judged)
		}
	}
	if n := SkipNames(); n[len(n)-1] != SkipConvergence || len(n) != len(all)+1 {
		t.Errorf("SkipNames = %v", n)
	}
}
