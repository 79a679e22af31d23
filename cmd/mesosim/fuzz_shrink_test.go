package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFuzzShrink shrinks the first failing seed of naive frameworks under
// swarm faults: the reproducer is an ordinary scenario with an explicit
// fault timeline and at most a handful of faults, `mesosim replay` of it
// shows the same invariant at the same time, and a second fuzz writes the
// same bytes.
func TestFuzzShrink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	args := append([]string{"fuzz", fuzzScenario, "--swarm", "--seeds", "2", "--shrink", "--shrink-dir", dir, "--format", "json"}, naiveSets...)
	r := mustRun(t, 1, args...)
	rep := fuzzJSON(t, r.stdout)
	s := rep.Shrunk
	if s == nil {
		t.Fatalf("no shrunk section:\n%s", r.stdout)
	}
	if s.Seed != *rep.FirstFailingSeed || s.Faults > 5 || s.Runs < 1 || s.Exhausted {
		t.Errorf("shrunk %+v: want the first failing seed, at most 5 faults, not exhausted", s)
	}
	if !strings.HasPrefix(s.Violation, "at ") || s.File != filepath.Join(dir, "reconciliation-under-loss-seed1-repro.yaml") {
		t.Errorf("shrunk %+v", s)
	}
	if !strings.Contains(r.stderr, "replay the shrunk reproducer of the first with: "+s.Replay) {
		t.Errorf("stderr does not give the replay command:\n%s", r.stderr)
	}
	repro, err := os.ReadFile(s.File)
	if err != nil {
		t.Fatal(err)
	}
	excerpt, err := os.ReadFile(s.Log)
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{"swarm: true", "swarm:"} {
		if strings.Contains(string(repro), "\n  "+no) {
			t.Errorf("the reproducer still draws faults (%q):\n%s", no, repro)
		}
	}
	when := strings.SplitN(strings.TrimPrefix(s.Violation, "at "), ",", 2)[0]
	head := "violation 1 of "
	rr := mustRun(t, 1, "replay", s.File)
	line := ""
	for _, l := range strings.Split(rr.stdout, "\n") {
		if strings.HasPrefix(l, head) {
			line = l
			break
		}
	}
	if !strings.Contains(line, ": "+s.Invariant+" at "+when+",") {
		t.Errorf("replay shows %q, want %s at %s", line, s.Invariant, when)
	}
	// The excerpt is what the replay prints, after the header.
	if !strings.Contains(string(excerpt), rr.stdout) {
		t.Errorf("the excerpt is not the replay's output:\n%s\n----\n%s", excerpt, rr.stdout)
	}
	if !strings.Contains(string(excerpt), "# The reductions kept, in order:\n#   1. ") {
		t.Errorf("the excerpt does not list the reductions:\n%s", excerpt)
	}

	// The same fuzz writes the same files.
	dir2 := t.TempDir()
	args2 := append([]string{"fuzz", fuzzScenario, "--swarm", "--seeds", "2", "--shrink", "--shrink-dir", dir2, "--parallel", "1"}, naiveSets...)
	r2 := mustRun(t, 1, args2...)
	if !strings.Contains(r2.stdout, "shrunk seed 1 in ") || !strings.Contains(r2.stdout, "replay it: mesosim replay "+filepath.Join(dir2, "reconciliation-under-loss-seed1-repro.yaml")) {
		t.Errorf("table output:\n%s", r2.stdout)
	}
	again, err := os.ReadFile(filepath.Join(dir2, filepath.Base(s.File)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.ReplaceAll(string(again), dir2, dir) != string(repro) {
		t.Errorf("a second shrink wrote another reproducer:\n%s\n----\n%s", repro, again)
	}
	entries, _ := os.ReadDir(dir2)
	if len(entries) != 2 {
		t.Errorf("%d files in the shrink directory, want the reproducer and its excerpt", len(entries))
	}
}

// TestFuzzShrinkNothing checks that --shrink with no failing seed writes
// nothing.
func TestFuzzShrinkNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustRun(t, 0, "fuzz", fuzzScenario, "--swarm", "--seeds", "2", "--shrink", "--shrink-dir", dir)
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files written", len(entries))
	}
}
