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
//
// Why the fuzzer once stalled at 0 execs/s after a few hundred executions:
// Go's fuzzer minimizes every input that finds new coverage before it
// fuzzes on, for up to -fuzzminimizetime (60 s by default), and counts no
// executions meanwhile. Minimizing a scenario of a few KiB tries tens of
// thousands of candidates (its passes are quadratic in the input's length),
// each a parse and often a run of a millisecond or more, so the first
// minimization filled the whole of a 10 s run. .ci/run passes
// -fuzzminimizetime 1s; the input size bound keeps minimization short
// and the task and cycle bounds keep each run cheap.
const (
	fuzzMaxInput      = 4 << 10 // bytes; the largest seed is under 3 KiB
	fuzzMaxAgents     = 50
	fuzzMaxFrameworks = 20
	fuzzMaxTimeline   = 200
	fuzzMaxDuration   = 20 * sim.Second
	fuzzMaxTasks      = 1000
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
		if len(data) > fuzzMaxInput {
			return
		}
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
