package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
)

// skipFlag is the --skip-invariants flag of the commands that run the
// invariant checkers.
const skipFlag = "skip-invariants"

// registerSkip adds --skip-invariants to cmd, stored in *list.
func registerSkip(cmd *cobra.Command, list *string) {
	cmd.Flags().StringVar(list, skipFlag, "",
		"comma-separated checks not to make: "+strings.Join(report.SkipNames(), ", ")+
			" (needed when the run ends before faults.heal_at + faults.converge_within)")
}

// parseSkip parses a --skip-invariants value: names from
// report.SkipNames, comma-separated, each once.
func parseSkip(list string) ([]string, error) {
	if list == "" {
		return nil, nil
	}
	var out []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if !slices.Contains(report.SkipNames(), n) {
			return nil, badInput("--%s: unknown check %q (known: %s)", skipFlag, n, strings.Join(report.SkipNames(), ", "))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// checkerConfig is the invariant checker's configuration for a scenario.
func checkerConfig(sc *scenarios.Scenario, skip []string) report.CheckerConfig {
	return report.CheckerConfig{HealAt: sc.Faults.HealAt, ConvergeWithin: sc.Faults.ConvergeWithin, Skip: skip}
}

// checkHorizon refuses (bad input) a scenario with faults whose run ends
// before the faults heal plus faults.converge_within, so that convergence
// and liveness would never be judged and the run would pass by not
// checking, unless skip names both. A scenario without faults is not
// refused (see judgedNote).
func checkHorizon(sc *scenarios.Scenario, skip []string) error {
	if sc.Faults.HealAt == 0 {
		return nil
	}
	cfg := checkerConfig(sc, skip)
	var missing []string
	for _, n := range cfg.Unjudged(sc.Duration) {
		if !slices.Contains(skip, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	how := fmt.Sprintf("pass --%s %s to run it without them", skipFlag, strings.Join(cfg.Unjudged(sc.Duration), ","))
	if sc.Faults.HealAt >= sc.Duration {
		return badInput("%s: the faults never heal before the run ends at %s (duration; faults.heal_at is absent or not before it), so %s would never be judged: set faults.heal_at and a duration of at least faults.heal_at + faults.converge_within (%s), or %s",
			sc.File, sc.Duration, strings.Join(missing, " and "), sc.Faults.ConvergeWithin, how)
	}
	need := sc.Faults.HealAt + sc.Faults.ConvergeWithin
	return badInput("%s: the run ends at %s (duration), before faults.heal_at %s + faults.converge_within %s = %s, so %s would never be judged: lengthen duration to at least %s, or %s",
		sc.File, sc.Duration, sc.Faults.HealAt, sc.Faults.ConvergeWithin, need, strings.Join(missing, " and "), need, how)
}

// judgedText says which invariants a run of sc judges, and which not and
// why: "invariants judged: a, b, ...; not judged: x (skipped), y (...)".
func judgedText(sc *scenarios.Scenario, skip []string) string {
	cfg := checkerConfig(sc, skip)
	judged := cfg.Judged(sc.Duration)
	var not []string
	for _, n := range report.SkipNames() {
		switch {
		case slices.Contains(skip, n):
			not = append(not, n+" (--"+skipFlag+")")
		case slices.Contains(cfg.Unjudged(sc.Duration), n):
			not = append(not, fmt.Sprintf("%s (the run ends at %s, before %s)", n, sc.Duration, judgeableFrom(sc)))
		}
	}
	s := "invariants judged: " + strings.Join(judged, ", ")
	if len(judged) == 0 {
		s = "invariants judged: none"
	}
	if len(not) > 0 {
		s += "; not judged: " + strings.Join(not, ", ")
	}
	return s
}

// judgeableFrom says from when convergence and liveness can be judged.
func judgeableFrom(sc *scenarios.Scenario) string {
	switch {
	case sc.Faults.HealAt == 0:
		return "faults.converge_within " + sc.Faults.ConvergeWithin.String()
	case sc.Faults.HealAt >= sc.Duration:
		return "the faults heal"
	}
	return fmt.Sprintf("faults.heal_at + faults.converge_within = %s", sc.Faults.HealAt+sc.Faults.ConvergeWithin)
}

// allJudged reports whether a run of sc judges every check.
func allJudged(sc *scenarios.Scenario, skip []string) bool {
	return len(skip) == 0 && len(checkerConfig(sc, skip).Unjudged(sc.Duration)) == 0
}
