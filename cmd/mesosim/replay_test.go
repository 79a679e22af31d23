package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var replayNaive = []string{"replay", "reconciliation-under-loss",
	"--set", "frameworks.0.behavior=naive", "--set", "frameworks.1.behavior=naive"}

func TestReplayNaive(t *testing.T) {
	t.Parallel()
	r := mustRun(t, 1, replayNaive...)
	m := regexp.MustCompile(`(?m)^violation 1 of \d+: (\w+) at (\S+), task (\S+) `).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no violation line in:\n%s", r.stdout)
	}
	task := m[3]
	if !strings.Contains(r.stdout, "invariant_violated  invariant="+m[1]) {
		t.Errorf("the violated invariant %s is not printed:\n%s", m[1], r.stdout)
	}
	if !regexp.MustCompile(`(?m)^  \S+  task_launched  task=` + regexp.QuoteMeta(task) + ` `).MatchString(r.stdout) {
		t.Errorf("no task_launched line for %s:\n%s", task, r.stdout)
	}
	if strings.Contains(r.stdout, `{"t":`) {
		t.Errorf("JSON in the timeline:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "reproduce: mesosim replay reconciliation-under-loss --set 'frameworks.0.behavior=naive'") {
		t.Errorf("no reproducing command:\n%s", r.stdout)
	}
	if again := mustRun(t, 1, replayNaive...); again.stdout != r.stdout || again.stderr != r.stderr {
		t.Errorf("two replays differ:\n%s\n---\n%s", r.stdout, again.stdout)
	}
	all := mustRun(t, 1, append(replayNaive, "--all", "--context", "5")...)
	if n := strings.Count(all.stdout, "\nviolation "); n < 2 {
		t.Errorf("--all printed %d violations:\n%s", n, all.stdout)
	}
}

func TestReplayReconciling(t *testing.T) {
	t.Parallel()
	r := mustRun(t, 0, "replay", "reconciliation-under-loss")
	if !strings.Contains(r.stdout, "no invariant violated") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

func TestReplayBadInput(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"replay"},
		{"replay", "reconciliation-under-loss", "--context", "0"},
		{"replay", "reconciliation-under-loss", "--context", "x"},
		{"replay", "reconciliation-under-loss", "--bogus"},
		{"replay", "reconciliation-under-loss", "--duration", "-1s"},
		{"replay", "reconciliation-under-loss", "--set", "nonsense"},
		{"replay", "no-such-scenario"},
		{"replay", "a", "b"},
	} {
		mustRun(t, 2, args...)
	}
}

// TestReplayLog: replay --log reads the violations and the records before
// them from a run's event log, the same first violation and the same
// records as re-running it (the log has every record; a violation line
// names no framework, so only the subject line differs).
func TestReplayLog(t *testing.T) {
	t.Parallel()
	log := filepath.Join(t.TempDir(), "log.jsonl")
	runArgs := append([]string{"run"}, replayNaive[1:]...)
	mustRun(t, 1, append(runArgs, "--events", log)...)
	fromLog := mustRun(t, 1, "replay", "--log", log)
	rerun := mustRun(t, 1, replayNaive...)
	first := func(out string) string {
		i := strings.Index(out, "the last 30 records")
		j := strings.Index(out, "\nreproduce:")
		if i < 0 || j < i {
			t.Fatalf("no timeline in:\n%s", out)
		}
		return out[i:j]
	}
	if first(fromLog.stdout) != first(rerun.stdout) {
		t.Errorf("replay --log and a re-run differ:\n%s\n---\n%s", first(fromLog.stdout), first(rerun.stdout))
	}
	bad := writeFile(t, t.TempDir(), "bad.jsonl", `{"t":0,"kind":"header","seed":1,"scenario":"x"}`+"\nnot json\n")
	if r := mustRun(t, 2, "replay", "--log", bad); !strings.Contains(r.stderr, "bad.jsonl:2: not an event log record") {
		t.Errorf("a bad line: %s", r.stderr)
	}
	mustRun(t, 2, "replay", "default", "--log", log)
}
