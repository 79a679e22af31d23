package report

import (
	"slices"

	"github.com/mesosim/mesosim/sim"
)

// SkipConvergence names the convergence half of InvReconciliation (views
// equal after healing) in CheckerConfig.Skip; skipping InvReconciliation
// skips its answers half too.
const SkipConvergence = "convergence"

// SkipNames returns the names CheckerConfig.Skip accepts: the invariants,
// in the reference's order, then SkipConvergence.
func SkipNames() []string { return append(InvariantNames(), SkipConvergence) }

// Unjudged returns the checks (SkipConvergence, InvLiveness) that a run
// ending at end never reaches: both when the faults never heal (HealAt is
// sim.Never) or HealAt+ConvergeWithin is after end, else none. Such a run
// judges convergence and liveness by not checking them, so callers refuse
// it or say so.
func (cfg CheckerConfig) Unjudged(end sim.Time) []string {
	if cfg.HealAt == sim.Never || invAddSat(max(cfg.HealAt, 0), max(cfg.ConvergeWithin, 0)) > end {
		return []string{SkipConvergence, InvLiveness}
	}
	return nil
}

// Judged returns the invariants a run ending at end judges, in the
// reference's order, with neither the skipped (cfg.Skip) nor the
// unjudged ones; reconciliation without its convergence half is
// "reconciliation (answers only)".
func (cfg CheckerConfig) Judged(end sim.Time) []string {
	off := append(slices.Clone(cfg.Skip), cfg.Unjudged(end)...)
	var out []string
	for _, n := range InvariantNames() {
		switch {
		case slices.Contains(off, n):
		case n == InvReconciliation && slices.Contains(off, SkipConvergence):
			out = append(out, n+" (answers only)")
		default:
			out = append(out, n)
		}
	}
	return out
}
