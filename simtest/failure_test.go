package simtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/shrink"
)

// naive is mesosim's naive behaviour with Behavior's workload.
var naive = Behavior("naive")

// A failure carries the timeline and the event log excerpt of its first
// violation, and what a failing Check reports writes the shrunk cluster
// as a scenario that runs to the same first violation, with the excerpt
// beside it.
func TestFailureReport(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Checks: 300, Seed: 1, ShrinkTime: 3 * time.Second, StandIn: StandIn("naive"), FailureDir: dir}.withDefaults()
	f := Find(naive, opt)
	if f == nil {
		t.Fatal("naive passed 300 checks")
	}
	v := f.Violations[0]
	if head := "violation 1 of "; !strings.Contains(f.Timeline, head) || !strings.Contains(f.Timeline, ": "+v.Invariant+" at "+v.T.String()+",") {
		t.Errorf("the timeline does not show the first violation (%s at %s):\n%s", v.Invariant, v.T, f.Timeline)
	}
	if !strings.Contains(f.String(), "event log excerpt and replay timeline:\n") {
		t.Errorf("the failure's text lacks the timeline:\n%s", f)
	}
	lines := strings.Split(strings.TrimSuffix(f.Excerpt, "\n"), "\n")
	if last := lines[len(lines)-1]; len(lines) < 2 || !strings.Contains(last, `"kind":"invariant_violated"`) || !strings.Contains(last, `"invariant":"`+v.Invariant+`"`) {
		t.Errorf("the excerpt does not end with the violation:\n%s", f.Excerpt)
	}

	reportFailure(t, f, naive, opt)
	yamlPath := filepath.Join(dir, "TestFailureReport.yaml")
	data, err := os.ReadFile(yamlPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "# Written by simtest for TestFailureReport: ") || !strings.Contains(string(data), "# Replay it with: mesosim replay "+yamlPath+"\n") {
		t.Errorf("the scenario's header:\n%s", data)
	}
	logData, err := os.ReadFile(filepath.Join(dir, "TestFailureReport.log"))
	if err != nil || !strings.HasSuffix(string(logData), f.Excerpt) {
		t.Errorf("the excerpt file (%v):\n%s", err, logData)
	}
	if names, _ := os.ReadDir(dir); len(names) != 2 {
		t.Errorf("%d files in the failure directory, want the scenario and its excerpt", len(names))
	}
	sc, err := scenarios.Parse(yamlPath, data)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := shrink.Violations(sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(f.Violations) || vs[0] != v {
		t.Errorf("the scenario runs to %v, want %v", vs, f.Violations)
	}
}

// A user invariant that breaks fails a search on its own, and its
// violation is in the timeline like a built-in one.
func TestUserInvariantFails(t *testing.T) {
	never := Invariant{Name: "no-lost", Check: func(w *model.World, r *model.Record) string {
		if r.Kind == model.KindTaskStatus && r.SeenBy == "framework" && r.State == "TASK_LOST" {
			return "the framework saw " + r.Task + " lost"
		}
		return ""
	}}
	f := Find(naive, Options{Checks: 100, Seed: 3, ShrinkTime: 2 * time.Second, MaxFaults: 2, Invariants: []Invariant{never}})
	if f == nil {
		t.Skip("no drawn cluster lost a task in 100 checks")
	}
	found := false
	for _, v := range f.Violations {
		found = found || v.Invariant == "no-lost"
	}
	if !found {
		t.Fatalf("no no-lost violation in %v", f.Violations)
	}
	if f.Invariant() == "no-lost" && !strings.Contains(f.Timeline, "invariant_violated  invariant=no-lost") {
		t.Errorf("the timeline does not show the user's violation:\n%s", f.Timeline)
	}
	defer func() {
		if r := recover(); r == nil {
			t.Error("an invariant without a Check: no panic")
		}
	}()
	Run(f.Cluster, naive, Invariant{Name: "x"})
}

// A cluster's scenario, run by the CLI's code (package shrink, as `mesosim
// run` and `mesosim replay` run it) with StandIn(name), breaks the same
// invariants at the same times, about the same subjects, as Run with
// Behavior(name): drawn clusters with every kind of fault.
func TestScenarioRunsAsRun(t *testing.T) {
	gen := ClusterGen(Options{Agents: 3, MaxFaults: 4})
	rapid.Check(t, func(t *rapid.T) {
		c := gen.Draw(t, "cluster")
		name := rapid.SampledFrom([]string{"naive", "reconciling"}).Draw(t, "behavior")
		want := Run(c, Behavior(name))
		data, err := c.Scenario("drawn", "", StandIn(name))
		if err != nil {
			t.Fatal(err)
		}
		sc, err := scenarios.Parse("drawn.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := shrink.Violations(sc)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("the scenario runs to\n%v\nRun to\n%v\n%s", got, want, data)
		}
	})
}

// A failing Check, end to end, in a child test process (the failure must
// not fail this test): the test fails, its log shows the timeline, and
// the shrunk cluster's scenario and excerpt are in Options.FailureDir.
func TestCheckFailureReport(t *testing.T) {
	if dir := os.Getenv("SIMTEST_FAILURE_DIR"); dir != "" {
		Check(t, naive, Options{Checks: 300, Seed: 1, ShrinkTime: 2 * time.Second, StandIn: StandIn("naive"), FailureDir: dir})
		return
	}
	t.Parallel()
	dir := t.TempDir()
	c := exec.Command(os.Args[0], "-test.run=^TestCheckFailureReport$", "-rapid.nofailfile")
	c.Env = append(os.Environ(), "SIMTEST_FAILURE_DIR="+dir)
	out, err := c.CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("the failing check: %v, want exit status 1\n%s", err, out)
	}
	for _, want := range []string{"[rapid] failed", "event log excerpt and replay timeline of the shrunk cluster:\n", "violation 1 of ",
		"replay it with: mesosim replay " + filepath.Join(dir, "TestCheckFailureReport.yaml")} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the failing check's output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "TestCheckFailureReport.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scenarios.Parse("TestCheckFailureReport.yaml", data); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "TestCheckFailureReport.log")); err != nil {
		t.Error(err)
	}
}
