package shrink

import (
	"fmt"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
)

// Violations builds and runs a decoded scenario with the invariant checker
// on, as `mesosim run` does, and returns the violations in the order they
// were found. The observers, if any, see every record before the checker
// does (and the checker's invariant_violated records after it). A failure
// of the run (a trace error, or a panic of the simulation) is returned as
// an error.
func Violations(sc *scenarios.Scenario, observers ...model.Observer) ([]report.Violation, error) {
	return ViolationsSkipping(sc, nil, observers...)
}

// ViolationsSkipping is Violations without the checks named in skip
// (report.CheckerConfig.Skip).
func ViolationsSkipping(sc *scenarios.Scenario, skip []string, observers ...model.Observer) (vs []report.Violation, err error) {
	defer func() {
		if r := recover(); r != nil {
			vs, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	s, err := scenarios.Build(sc)
	if err != nil {
		return nil, err
	}
	for _, o := range observers {
		s.World.Observe(o)
	}
	checker := report.NewChecker(s.World, report.CheckerConfig{
		HealAt: sc.Faults.HealAt, ConvergeWithin: sc.Faults.ConvergeWithin, Emit: s.World.Emit, Skip: skip})
	s.World.Observe(checker)
	s.Run()
	if err := s.Err(); err != nil {
		return nil, err
	}
	checker.Finish(sc.Duration)
	return checker.Violations(), nil
}
