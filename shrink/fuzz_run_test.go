package shrink

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

// Bounds of the scenarios FuzzRun runs, so that each input runs in
// milliseconds.
const (
	fuzzMaxAgents     = 50
	fuzzMaxFrameworks = 20
	fuzzMaxTimeline   = 200
	fuzzMaxDuration   = 20 * sim.Second
	fuzzMaxTasks      = 5000
	fuzzMaxCycles     = 2000 // allocation cycles over the horizon
)

// FuzzRun decodes random scenario YAML and, when it is valid and small,
// builds and runs it with every invariant checker on, as `mesosim run`
// and `mesosim fuzz` do: no input may panic the simulator or the checkers
// (Violations turns a panic into an error naming it), and a valid
// scenario without a trace must run without error.
func FuzzRun(f *testing.F) {
	for _, name := range scenarios.Builtin() {
		if src, ok := scenarios.BuiltinSource(name); ok {
			f.Add(src)
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "scenarios", "testdata", "good", "*.yaml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := scenarios.Parse("fuzz.yaml", data)
		if err != nil || sc.Trace != nil || len(sc.Agents) > fuzzMaxAgents ||
			len(sc.Frameworks) > fuzzMaxFrameworks || len(sc.Timeline) > fuzzMaxTimeline {
			return
		}
		if sc.Duration > fuzzMaxDuration {
			sc.Duration = fuzzMaxDuration
			if h := sc.Faults.HealAt; h != 0 && h != sim.Never && h >= sc.Duration {
				sc.Faults.HealAt = sim.Never
			}
			for _, ev := range sc.Timeline {
				if ev.At >= sc.Duration {
					return // the timeline was validated against the longer horizon
				}
			}
		}
		if iv := sc.Master.AllocationInterval; iv <= 0 || sc.Duration/iv > fuzzMaxCycles {
			return
		}
		if scenarios.ExpectedTasks(sc) > fuzzMaxTasks {
			return
		}
		if _, err := Violations(sc); err != nil {
			if strings.HasPrefix(err.Error(), "panic:") {
				t.Fatalf("the simulation panicked: %v\n%s", err, data)
			}
			if _, ok := err.(*scenarios.Error); !ok {
				t.Fatalf("a valid scenario failed to run: %v\n%s", err, data)
			}
		}
	})
}
