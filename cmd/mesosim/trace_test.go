package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodTask = `{"submit": 0, "job": "j1", "task": "j1/0", "class": "a", "cpus": 1, "mem": 128, "duration": 1000000, "running": false, "priority": 1, "user": "u"}`

func writeReplay(t *testing.T, rows ...string) (scenario, events string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.jsonl"), []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc := "name: r\nduration: 1m\nagents:\n  - {name: a, resources: \"cpus:4;mem:4096\"}\n" +
		"frameworks:\n  - {name: f, behavior: replay}\ntrace:\n  files: [t.jsonl]\n  map:\n    - {framework: f}\n"
	scenario = filepath.Join(dir, "r.yaml")
	if err := os.WriteFile(scenario, []byte(sc), 0o644); err != nil {
		t.Fatal(err)
	}
	return scenario, filepath.Join(dir, "events.jsonl")
}

// A malformed trace row met while the simulation runs stops the run with
// FILE:LINE and status 2, and leaves no event log behind: never a silent
// drop of the rest of the trace.
func TestReplayMalformedRowMidRun(t *testing.T) {
	bad := strings.Replace(goodTask, `"u"}`, `"u", "bogus": 1}`, 1)
	bad = strings.Replace(bad, `"submit": 0`, `"submit": 5000000`, 1)
	bad = strings.Replace(bad, `j1/0`, `j2/0`, 1)
	sc, events := writeReplay(t, goodTask, bad)
	r := cli(t, "run", sc, "--events", events)
	if r.code != 2 || !strings.Contains(r.stderr, "t.jsonl:2:") || !strings.Contains(r.stderr, "bogus") {
		t.Fatalf("exit %d, stderr %q: want status 2 naming t.jsonl:2 and the field", r.code, r.stderr)
	}
	if _, err := os.Stat(events); err == nil {
		t.Fatal("an event log was left behind by a failed run")
	}
	sc, _ = writeReplay(t, goodTask)
	r = cli(t, "run", sc)
	if r.code != 0 || !strings.Contains(r.stderr, "tasks replayed: f 1") {
		t.Fatalf("good replay: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestTraceInspectAndConvert(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "t.jsonl")
	if err := os.WriteFile(in, []byte(goodTask+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := cli(t, "trace", "inspect", in, "--format", "json")
	if r.code != 0 {
		t.Fatalf("inspect: exit %d: %s", r.code, r.stderr)
	}
	var p struct {
		Format string `json:"format"`
		Tasks  int64  `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || p.Tasks != 1 || p.Format == "" {
		t.Fatalf("inspect json %q: %v %+v", r.stdout, err, p)
	}
	out := filepath.Join(dir, "out.jsonl")
	if r := cli(t, "trace", "convert", in, "--to", "native", "--out", out); r.code != 0 {
		t.Fatalf("convert: exit %d: %s", r.code, r.stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), `"task":"j1/0"`) {
		t.Fatalf("converted: %q %v", b, err)
	}
	if r := cli(t, "trace", "convert", in, "--to", "csv"); r.code != 2 {
		t.Fatalf("--to csv: exit %d", r.code)
	}
	if r := cli(t, "trace", "inspect", filepath.Join(dir, "missing.jsonl")); r.code != 2 {
		t.Fatalf("missing file: exit %d", r.code)
	}
}

// TestTraceInspectGoogleRuns: on the two Google sample parts, inspect
// counts every run by default and first runs only with --runs first. The
// figures are the awk pass of traces/testdata/google/expected-runs.awk
// (zcat task_events-part-0000{0,1}-of-00500.csv.gz | awk -v summary=1 -f
// expected-runs.awk: runs 227195 reruns 18976 tasks 208219), see
// traces.TestGoogleFullSamples.
func TestTraceInspectGoogleRuns(t *testing.T) {
	if !sharedTraces() {
		t.Skip("the Google 2011 sample is not in ../shared/traces; skipping")
	}
	dir := filepath.Join("..", "..", "..", "shared", "traces", "google-2011")
	parts := []string{filepath.Join(dir, "task_events-part-00000-of-00500.csv.gz"), filepath.Join(dir, "task_events-part-00001-of-00500.csv.gz")}
	for _, c := range []struct {
		flag                string
		runs, reruns, tasks int64
	}{
		{"all", 227195, 18976, 208219},
		{"first", 208219, 0, 208219},
	} {
		r := cli(t, append([]string{"trace", "inspect", "--format", "json", "--runs", c.flag}, parts...)...)
		if r.code != 0 {
			t.Fatalf("--runs %s: exit %d: %s", c.flag, r.code, r.stderr)
		}
		var p struct{ Tasks, Runs, Reruns int64 }
		if err := json.Unmarshal([]byte(r.stdout), &p); err != nil || p.Runs != c.runs || p.Reruns != c.reruns || p.Tasks != c.tasks {
			t.Errorf("--runs %s: %+v (%v), want runs %d reruns %d tasks %d", c.flag, p, err, c.runs, c.reruns, c.tasks)
		}
	}
	if r := cli(t, "trace", "inspect", "--runs", "most", parts[0]); r.code != 2 || !strings.Contains(r.stderr, `--runs: "most" is not one of all, first`) {
		t.Errorf("--runs most: exit %d, stderr %q", r.code, r.stderr)
	}
}
