package main

import (
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
