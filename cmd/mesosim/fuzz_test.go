package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mesosim/mesosim/report"
)

const fuzzScenario = "reconciliation-under-loss"

var naiveSets = []string{"--set", "frameworks.0.behavior=naive", "--set", "frameworks.1.behavior=naive"}

// fuzzJSON parses the JSON report of a fuzz run.
func fuzzJSON(t *testing.T, out string) *fuzzReport {
	t.Helper()
	var rep fuzzReport
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("fuzz --format json: %v\n%s", err, out)
	}
	return &rep
}

func TestFuzzReconcilingSwarmPasses(t *testing.T) {
	t.Parallel()
	r := mustRun(t, 0, "fuzz", fuzzScenario, "--seeds", "6", "--swarm")
	if !strings.Contains(r.stdout, "6 seeds") {
		t.Errorf("the report does not say 6 seeds:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "seeds 1-6") || !strings.Contains(r.stdout, "no invariant broke") {
		t.Errorf("the report does not give the seeds run and the verdict:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "reproduce") {
		t.Errorf("a passing fuzz gives a command to reproduce:\n%s", r.stdout)
	}
}

func TestFuzzNaiveFails(t *testing.T) {
	t.Parallel()
	args := append([]string{"fuzz", fuzzScenario, "--seeds", "3"}, naiveSets...)
	r := mustRun(t, 1, args...)
	if !strings.Contains(r.stdout, "reconciliation") && !strings.Contains(r.stdout, "liveness") {
		t.Errorf("the table names neither reconciliation nor liveness:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "3 seeds run (seeds 1-3)") {
		t.Errorf("the report does not give the seeds run:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "invariants broke in") {
		t.Errorf("stderr does not say invariants broke:\n%s", r.stderr)
	}

	r = mustRun(t, 1, append(args, "--format", "json")...)
	rep := fuzzJSON(t, r.stdout)
	if rep.SeedsRun != 3 || rep.SeedsWithViolations == 0 || len(rep.Invariants) == 0 {
		t.Fatalf("report %+v: want 3 seeds run, some with violations", rep)
	}
	for _, inv := range rep.Invariants {
		if inv.Invariant != report.InvReconciliation && inv.Invariant != report.InvLiveness {
			t.Errorf("unexpected invariant %q broke", inv.Invariant)
		}
		if inv.Seeds < 1 || inv.Seeds > 3 || len(inv.FirstSeeds) != inv.Seeds {
			t.Errorf("%s: %d seeds, first seeds %v", inv.Invariant, inv.Seeds, inv.FirstSeeds)
		}
		for _, s := range inv.FirstSeeds {
			if s < 1 || s > 3 {
				t.Errorf("%s: seed %d outside 1-3", inv.Invariant, s)
			}
		}
		if !strings.HasPrefix(inv.FirstDetail, "seed "+strconv.FormatUint(inv.FirstSeeds[0], 10)+": ") {
			t.Errorf("%s: first detail %q does not name seed %d", inv.Invariant, inv.FirstDetail, inv.FirstSeeds[0])
		}
	}
	if rep.FirstFailingSeed == nil {
		t.Fatal("no first failing seed")
	}

	// The command given reproduces the first failing seed.
	want := "mesosim run " + fuzzScenario + " --seed " + strconv.FormatUint(*rep.FirstFailingSeed, 10) +
		" --set frameworks.0.behavior=naive --set frameworks.1.behavior=naive"
	if rep.Reproduce != want {
		t.Fatalf("reproduce = %q, want %q", rep.Reproduce, want)
	}
	log := filepath.Join(t.TempDir(), "log.jsonl")
	mustRun(t, 1, append(strings.Fields(rep.Reproduce)[1:], "--events", log)...)
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	broken := map[string]bool{}
	for _, l := range jsonLines(t, data) {
		if l["kind"] == "invariant_violated" {
			broken[l["invariant"].(string)] = true
		}
	}
	for _, inv := range rep.Invariants {
		if inv.FirstSeeds[0] == *rep.FirstFailingSeed && !broken[inv.Invariant] {
			t.Errorf("the reproduction does not break %s (it breaks %v)", inv.Invariant, broken)
		}
	}
}

// Every seed's outcome has its own slot: the report (all but the timing)
// is the same whatever the parallelism.
func TestFuzzParallelIdentical(t *testing.T) {
	t.Parallel()
	base := []string{"fuzz", fuzzScenario, "--seeds", "8", "--seed-start", "11", "--swarm",
		"--set", "frameworks.1.behavior=naive", "--format", "json"}
	var reps []*fuzzReport
	for _, p := range []string{"1", "3"} {
		r := cli(t, append(base, "--parallel", p)...)
		if r.code != 0 && r.code != 1 {
			t.Fatalf("--parallel %s: exit status %d\n%s", p, r.code, r.stderr)
		}
		rep := fuzzJSON(t, r.stdout)
		if rep.Timing.WallSeconds <= 0 {
			t.Errorf("--parallel %s: wall time %v", p, rep.Timing.WallSeconds)
		}
		rep.Timing = fuzzTiming{}
		reps = append(reps, rep)
	}
	if !reflect.DeepEqual(reps[0], reps[1]) {
		t.Errorf("--parallel 1 and 3 differ:\n%+v\n%+v", reps[0], reps[1])
	}
	if reps[0].SeedsRun != 8 || reps[0].Completed == nil || *reps[0].Completed != (fuzzRange{11, 18}) || reps[0].Stopped != "" {
		t.Errorf("report %+v: want seeds 11-18 run", reps[0])
	}
}

func TestFuzzBadInput(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"fuzz"},
		{"fuzz", fuzzScenario, "default"},
		{"fuzz", "no-such-scenario"},
		{"fuzz", fuzzScenario, "--seeds", "0"},
		{"fuzz", fuzzScenario, "--seeds", "1000001"},
		{"fuzz", fuzzScenario, "--seeds", "many"},
		{"fuzz", fuzzScenario, "--seed-start", "-1"},
		{"fuzz", fuzzScenario, "--seed-start", "18446744073709551615", "--seeds", "2"},
		{"fuzz", fuzzScenario, "--parallel", "0"},
		{"fuzz", fuzzScenario, "--format", "csv"},
		{"fuzz", fuzzScenario, "--time-budget", "-1s"},
		{"fuzz", fuzzScenario, "--time-budget", "soon"},
		{"fuzz", fuzzScenario, "--set", "novalue"},
		{"fuzz", fuzzScenario, "--set", "frameworks.0.behavior=bogus"},
		{"fuzz", fuzzScenario, "--set", "faults.heal_at=forever"},
		{"fuzz", fuzzScenario, "--shrink-runs", "0"},
		{"fuzz", fuzzScenario, "--shrink", "--shrink-dir", "/no/such/dir"},
		{"fuzz", fuzzScenario, "--shrink", "--shrink-dir", "fuzz_test.go"},
		{"fuzz", fuzzScenario, "--no-such-flag"},
	} {
		r := mustRun(t, 2, args...)
		if r.stdout != "" {
			t.Errorf("mesosim %s wrote to stdout:\n%s", strings.Join(args, " "), r.stdout)
		}
		if !strings.HasPrefix(r.stderr, "mesosim: ") {
			t.Errorf("mesosim %s: stderr %q", strings.Join(args, " "), r.stderr)
		}
	}
	// The last seed may be the largest there is.
	mustRun(t, 0, "fuzz", fuzzScenario, "--seed-start", "18446744073709551615", "--seeds", "1")
}

// A time budget stops the dispatch of seeds; the ones running finish and
// are reported.
func TestFuzzTimeBudget(t *testing.T) {
	t.Parallel()
	r := mustRun(t, 0, "fuzz", fuzzScenario, "--seeds", "50", "--parallel", "2", "--time-budget", "1ns", "--format", "json")
	rep := fuzzJSON(t, r.stdout)
	if rep.Stopped != "time-budget" || rep.SeedsRequested != 50 {
		t.Fatalf("report %+v: want stopped by the time budget", rep)
	}
	if rep.SeedsRun > 2 {
		t.Errorf("%d seeds ran, more than the 2 a dispatch could start", rep.SeedsRun)
	}
	switch {
	case rep.SeedsRun == 0 && rep.Completed != nil,
		rep.SeedsRun > 0 && (rep.Completed == nil || *rep.Completed != fuzzRange{1, uint64(rep.SeedsRun)}),
		len(rep.Beyond) != 0:
		t.Errorf("%d seeds ran but the report gives completed %+v, beyond %v", rep.SeedsRun, rep.Completed, rep.Beyond)
	}
	if !strings.Contains(r.stderr, "time budget of 1ns spent") {
		t.Errorf("stderr does not say the budget was spent:\n%s", r.stderr)
	}

	r = mustRun(t, 0, "fuzz", fuzzScenario, "--seeds", "50", "--time-budget", "1ns")
	if !strings.Contains(r.stdout, "stopped by the time budget (1ns): ") || !strings.Contains(r.stdout, " of 50 seeds run") {
		t.Errorf("the table does not report the stop:\n%s", r.stdout)
	}
}

// The report's seed ranges when seeds ran past a gap (which the in-order
// dispatch never leaves, but the report does not assume it).
func TestFuzzSummarizeGap(t *testing.T) {
	t.Parallel()
	o := &fuzzOptions{seeds: 5, seedStart: 10}
	outs := []fuzzOutcome{{ran: true}, {ran: true}, {}, {ran: true, err: errors.New("boom")}, {}}
	rep := o.summarize(fuzzScenario, fuzzScenario, nil, outs)
	if rep.SeedsRun != 3 || rep.Completed == nil || *rep.Completed != (fuzzRange{10, 11}) ||
		!reflect.DeepEqual(rep.Beyond, []uint64{13}) || len(rep.Errors) != 1 || rep.Errors[0].Seed != 13 {
		t.Fatalf("report %+v", rep)
	}
	var b strings.Builder
	if err := rep.writeTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 seeds run (seeds 10-11, and 1 past a gap from seed 13)", "seed 13 failed to run: boom"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"frameworks.0.behavior=naive":     "frameworks.0.behavior=naive",
		"agents.0.resources=cpus:8;mem:1": "'agents.0.resources=cpus:8;mem:1'",
		"my file.yaml":                    "'my file.yaml'",
		"it's":                            `'it'\''s'`,
		"":                                "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// Ctrl-C stops the dispatch as the time budget does. Not parallel: the
// signal goes to the whole test process, and must find no other fuzz
// running.
func TestFuzzInterrupt(t *testing.T) {
	r := interruptCLI(t, os.Interrupt, "fuzz", fuzzScenario, "--seeds", "1000000", "--parallel", "2", "--format", "json")
	r.want(t, exitInterrupt, "fuzz", "(interrupted)")
	rep := fuzzJSON(t, r.stdout)
	if rep.Stopped != "interrupt" || rep.Signal != "SIGINT" || rep.SeedsRun >= rep.SeedsRequested {
		t.Fatalf("report %+v: want stopped by SIGINT", rep)
	}
	if rep.SeedsRun > 0 && (rep.Completed == nil || rep.Completed.Last != uint64(rep.SeedsRun)) {
		t.Errorf("%d seeds ran, completed %+v", rep.SeedsRun, rep.Completed)
	}
	if !strings.Contains(r.stderr, "interrupted by SIGINT: finishing the") {
		t.Errorf("stderr does not say it was interrupted:\n%s", r.stderr)
	}
	if got := lastLine(r.stderr); !strings.HasPrefix(got, "mesosim: interrupted by SIGINT: the report is incomplete (") {
		t.Errorf("last line of stderr %q does not say it was interrupted", got)
	}
	// SIGTERM alike, with its own status.
	r = interruptCLI(t, syscall.SIGTERM, "fuzz", fuzzScenario, "--seeds", "1000000", "--parallel", "2")
	r.want(t, exitTerm, "fuzz", "(SIGTERM)")
	if !strings.Contains(r.stdout, "interrupted") {
		t.Errorf("the table does not say it was interrupted:\n%s", r.stdout)
	}
}

// BenchmarkFuzzSeeds measures fuzz throughput: seeds per second of
// reconciliation-under-loss in swarm mode, over all cores.
func BenchmarkFuzzSeeds(b *testing.B) {
	args := []string{"fuzz", fuzzScenario, "--swarm", "--seeds", strconv.Itoa(b.N), "--format", "json"}
	b.ResetTimer()
	code := execute(args, io.Discard, io.Discard)
	b.StopTimer()
	if code != 0 && code != 1 {
		b.Fatalf("mesosim %s: exit status %d", strings.Join(args, " "), code)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "seeds/s")
}
