package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

// A stop signal during fuzz --shrink ends the shrink with the smallest
// reproducer found so far, still written and replayable, and the fuzz
// exits as an interrupted one (128 + the signal's number), saying so on
// its last line. Not parallel: it replaces the signal hooks.
func TestFuzzShrinkSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		var sigc chan<- os.Signal
		oldNotify, oldStop, oldStart := notifyStop, stopNotify, onShrinkStart
		notifyStop = func(c chan<- os.Signal) { sigc = c }
		stopNotify = func(chan<- os.Signal) {}
		onShrinkStart = func() { sigc <- sig }
		dir := t.TempDir()
		args := append([]string{"fuzz", fuzzScenario, "--swarm", "--seeds", "1", "--shrink", "--shrink-dir", dir, "--format", "json"}, naiveSets...)
		r := cli(t, args...)
		notifyStop, stopNotify, onShrinkStart = oldNotify, oldStop, oldStart
		want := map[syscall.Signal]int{syscall.SIGTERM: exitTerm, syscall.SIGINT: exitInterrupt}[sig]
		r.want(t, want, args...)
		name := signalName(sig)
		if got := lastLine(r.stderr); !strings.HasPrefix(got, "mesosim: interrupted by "+name+": the report is incomplete (1 of 1 seeds run, 1 with violations; the shrink of seed 1 stopped after ") {
			t.Errorf("%s: last line of stderr %q", name, got)
		}
		if !strings.Contains(r.stderr, "fuzz: interrupted by "+name+": keeping the smallest reproducer found so far") {
			t.Errorf("%s: stderr does not say the shrink was interrupted:\n%s", name, r.stderr)
		}
		rep := fuzzJSON(t, r.stdout)
		if rep.Signal != name || rep.Shrunk == nil || !rep.Shrunk.Interrupted {
			t.Fatalf("%s: report %+v, shrunk %+v: want the signal and an interrupted shrink", name, rep, rep.Shrunk)
		}
		// The files left are the reproducer and its excerpt, and the
		// reproducer replays to a violation.
		if names := dirNames(t, dir); len(names) != 2 {
			t.Errorf("%s: files left %v, want the reproducer and its excerpt", name, names)
		}
		mustRun(t, 1, "replay", rep.Shrunk.File)
	}
}

// replay stops on SIGINT and SIGTERM as run does: at once, with 128 + the
// signal's number, saying so.
func TestReplaySignal(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		// Before replay registers for the signal, the signal kills the
		// child (no exit status): wait longer and try again.
		for _, wait := range []time.Duration{500 * time.Millisecond, 2 * time.Second, 5 * time.Second} {
			c := child(t, "replay", "default", "--duration", "1000h")
			var stderr bytes.Buffer
			c.Stderr = &stderr
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(wait)
			c.Process.Signal(sig)
			code := exitCode(c.Wait())
			if code == -1 {
				continue
			}
			want := map[syscall.Signal]int{syscall.SIGTERM: exitTerm, syscall.SIGINT: exitInterrupt}[sig]
			if code != want {
				t.Errorf("%v: exit %d, want %d; stderr %q", sig, code, want, stderr.String())
			}
			if got, w := firstLine(stderr.String()), "mesosim: replay interrupted by "+signalName(sig)+": stopped"; !strings.HasPrefix(got, w) {
				t.Errorf("%v: stderr starts %q, want %q", sig, got, w)
			}
			break
		}
	}
}
