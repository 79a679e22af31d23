package main

import (
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// firstLine is the first line of s.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// A run or fuzz whose horizon ends before heal_at + converge_within would
// never judge convergence or liveness: it is refused (status 2, naming
// the keys and the times) unless the user skips those checks, and a run
// that judged less says which invariants it judged.
func TestHorizonRefused(t *testing.T) {
	t.Parallel()
	const sc = "reconciliation-under-loss"
	const refusal = "mesosim: reconciliation-under-loss.yaml: the run ends at 12m0s (duration), before faults.heal_at 10m0s + faults.converge_within 15m0s = 25m0s, so convergence and liveness would never be judged"
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string // what the first line of stderr starts with
		stdout string // what stdout contains
	}{
		{[]string{"run", sc, "--set", "duration=12m"}, 2, refusal, ""},
		{[]string{"run", sc, "--duration", "12m"}, 2, refusal, ""},
		{[]string{"fuzz", sc, "--duration", "12m", "--seeds", "2"}, 2, refusal, ""},
		{[]string{"fuzz", sc, "--set", "duration=12m", "--seeds", "2"}, 2, refusal, ""},
		{[]string{"validate", sc, "--set", "duration=12m"}, 2, refusal, ""},
		{[]string{"validate", sc, "--set", "duration=12m", "--skip-invariants", "liveness"}, 2,
			"mesosim: reconciliation-under-loss.yaml: the run ends at 12m0s (duration), before faults.heal_at 10m0s + faults.converge_within 15m0s = 25m0s, so convergence would never be judged", ""},
		{[]string{"validate", sc, "--set", "duration=12m", "--skip-invariants", "convergence,liveness"}, 0, "", "reconciliation-under-loss.yaml: ok"},
		{[]string{"validate", sc, "--set", "duration=30m"}, 0, "", "30m0s)"},
		{[]string{"validate", sc, "--set", "nosuch=1"}, 2, `mesosim: reconciliation-under-loss.yaml: unknown key "nosuch" at top level`, ""},
		{[]string{"run", sc, "--skip-invariants", "nosuch"}, 2, `mesosim: --skip-invariants: unknown check "nosuch"`, ""},
		{[]string{"fuzz", sc, "--duration", "12m", "--seeds", "2", "--skip-invariants", "convergence,liveness"}, 0, "",
			"invariants judged: update-order, no-resurrection, reconciliation (answers only), ack-before-forget, single-leader, resources; not judged: liveness (--skip-invariants), convergence (--skip-invariants)"},
		{[]string{"fuzz", sc, "--duration", "30m", "--seeds", "1", "--set", "frameworks.0.behavior=reconciling"}, -1, "",
			"invariants judged: update-order, no-resurrection, reconciliation, liveness, ack-before-forget, single-leader, resources\n"},
		{[]string{"run", sc, "--duration", "12m", "--check=false"}, 0, "", "cluster: 12m0s simulated"},
		// The skip is real: naive frameworks break convergence and liveness only.
		{[]string{"run", sc, "--set", "frameworks.0.behavior=naive"}, 1,
			"16 invariant violation(s) in reconciliation-under-loss with seed 7 (invariants judged: update-order, no-resurrection, reconciliation, liveness, ack-before-forget, single-leader, resources):", ""},
		{[]string{"run", sc, "--set", "frameworks.0.behavior=naive", "--skip-invariants", "convergence,liveness"}, 0,
			"mesosim: note: no invariant broke; invariants judged: update-order, no-resurrection, reconciliation (answers only), ack-before-forget, single-leader, resources; not judged: liveness (--skip-invariants), convergence (--skip-invariants)", ""},
	} {
		r := cli(t, tc.args...)
		name := strings.Join(tc.args, " ")
		if tc.code >= 0 && r.code != tc.code {
			t.Errorf("mesosim %s: exit %d, want %d\nstderr: %s", name, r.code, tc.code, r.stderr)
			continue
		}
		if !strings.HasPrefix(firstLine(r.stderr), tc.stderr) {
			t.Errorf("mesosim %s: stderr starts %q, want %q", name, firstLine(r.stderr), tc.stderr)
		}
		if !strings.Contains(r.stdout, tc.stdout) {
			t.Errorf("mesosim %s: stdout lacks %q:\n%s", name, tc.stdout, r.stdout)
		}
	}
}

// A run that passes without judging every invariant says so on stderr;
// one that fails says what it judged in its violation listing.
func TestRunSaysWhatItJudged(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "run", "reconciliation-under-loss", "--duration", "12m", "--skip-invariants", "convergence,liveness",
		"--set", "frameworks.0.behavior=reconciling", "--set", "frameworks.1.behavior=reconciling")
	if want := "mesosim: note: no invariant broke; invariants judged: update-order, no-resurrection, reconciliation (answers only), ack-before-forget"; !strings.HasPrefix(r.stderr, want) {
		t.Errorf("stderr %q, want it to start %q", r.stderr, want)
	}
	// Every check judged: no note.
	r = mustRun(t, exitOK, "run", "drf-unreserved", "--duration", "20m")
	if r.stderr != "" {
		t.Errorf("a run judging everything wrote %q to stderr", r.stderr)
	}
}

// stopSignalGuard keeps sig from ending the test process while a test
// sends it to itself, whenever the command has not (or no longer)
// registered for it.
func stopSignalGuard(t *testing.T, sig os.Signal) {
	guard := make(chan os.Signal, 1)
	signal.Notify(guard, sig)
	t.Cleanup(func() { signal.Stop(guard) })
}

// interruptCLI runs the CLI with args in-process and sends sig to the
// process every 50ms until it returns.
func interruptCLI(t *testing.T, sig os.Signal, args ...string) result {
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	stopSignalGuard(t, sig)
	done := make(chan result, 1)
	go func() {
		var stdout, stderr strings.Builder
		code := execute(args, &stdout, &stderr)
		done <- result{code, stdout.String(), stderr.String()}
	}()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case r := <-done:
			// Let a signal sent just before the end land in the guard,
			// not in the next command of the test.
			time.Sleep(200 * time.Millisecond)
			return r
		case <-deadline:
			t.Fatalf("mesosim %s did not stop on %v", strings.Join(args, " "), sig)
		case <-time.After(50 * time.Millisecond):
			if err := self.Signal(sig); err != nil {
				t.Skipf("cannot send %v: %v", sig, err)
			}
		}
	}
}

// compare stops on SIGTERM as on SIGINT: the runs in progress finish, the
// report covers what ran and says it is incomplete, and the exit status
// is 128 + the signal's number, whatever the runs found.
func TestCompareInterrupt(t *testing.T) {
	r := interruptCLI(t, syscall.SIGTERM, "compare", "drf-same-share", "--seeds", "10000", "--parallel", "2")
	r.want(t, exitTerm, "compare", "(SIGTERM)")
	if !strings.Contains(r.stdout, "interrupted by SIGTERM: incomplete, ") {
		t.Errorf("the table does not say it is incomplete:\n%s", r.stdout)
	}
	if got := lastLine(r.stderr); !strings.HasPrefix(got, "mesosim: interrupted by SIGTERM: the report is incomplete (") {
		t.Errorf("last line of stderr %q does not say it was interrupted", got)
	}
	r = interruptCLI(t, os.Interrupt, "compare", "drf-same-share", "--seeds", "10000", "--format", "json")
	r.want(t, exitInterrupt, "compare", "(SIGINT)")
	if !strings.Contains(r.stdout, `"interrupted": "SIGINT"`) {
		t.Errorf("the JSON does not say it was interrupted:\n%.400s", r.stdout)
	}
}
