package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mesosim/mesosim/simtest"
)

// The shrunk cluster of a failing simtest search, written as scenario
// YAML with a stand-in running the same behaviour as the test's
// scheduler, is a scenario `mesosim replay` runs to the same first
// violation, at the same time.
func TestSimtestScenarioReplays(t *testing.T) {
	t.Parallel()
	f := simtest.Find(simtest.Behavior("naive"), simtest.Options{Checks: 300, Seed: 1, ShrinkTime: 3 * time.Second})
	if f == nil {
		t.Fatal("naive passed 300 checks")
	}
	data, err := f.Cluster.Scenario("shrunk", "a simtest failure", simtest.StandIn("naive"))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "shrunk.yaml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := cli(t, "replay", file)
	v := f.Violations[0]
	r.want(t, 1, "replay", file)
	if want := fmt.Sprintf("shrunk with seed %d: %d invariant violation(s)", f.Cluster.Seed, len(f.Violations)); firstLine(r.stdout) != want &&
		!strings.HasPrefix(firstLine(r.stdout), want+";") {
		t.Errorf("replay's first line %q, want %q", firstLine(r.stdout), want)
	}
	if want := fmt.Sprintf("\nviolation 1 of %d: %s at %s, task %s", len(f.Violations), v.Invariant, v.T, v.Task); !strings.Contains(r.stdout, want) {
		t.Errorf("replay does not show %q:\n%s", want, r.stdout)
	}
	if !strings.HasPrefix(firstLine(r.stderr), fmt.Sprintf("mesosim: %d invariant violation(s); the first: %s at %s", len(f.Violations), v.Invariant, v.T)) {
		t.Errorf("stderr %q", r.stderr)
	}
}
