package myframework_test

import (
	"fmt"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/simtest"

	"example.com/myframework"
)

func newScheduler() model.Scheduler { return myframework.NewScheduler() }

// go test -run TestSurvivesFaults -rapid.checks=5000 hunts longer.
func TestSurvivesFaults(t *testing.T) {
	simtest.Check(t, newScheduler, simtest.Options{
		Agents: 4, Frameworks: 2, MaxFaults: 4, Checks: 1000,
		// An invariant of your own, held alongside the built-in ones.
		Invariants: []simtest.Invariant{{
			Name: "launched-after-submitted",
			Check: func(w *model.World, r *model.Record) string {
				if r.Kind == model.KindTaskLaunched && r.Submitted > r.T {
					return fmt.Sprintf("launched at %s, submitted at %s", r.T, r.Submitted)
				}
				return ""
			},
		}},
		// On a failure, the shrunk cluster is written to
		// testdata/simtest/TestSurvivesFaults.yaml for `mesosim replay`,
		// with this mesosim behaviour standing in for your scheduler.
		StandIn: simtest.StandIn("reconciling"),
	})
}
