package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// provenanceKeys are the keys every output's provenance carries.
var provenanceKeys = []string{"scenario", "scenario_sha256", "seed", "allocator", "overrides", "duration", "version", "revision", "go"}

// checkProvenance fails unless p has every provenance key, and the scenario,
// seed and override given.
func checkProvenance(t *testing.T, what string, p map[string]any) {
	t.Helper()
	for _, k := range provenanceKeys {
		if _, ok := p[k]; !ok {
			t.Errorf("%s: provenance lacks %q: %v", what, k, p)
		}
	}
	if p["scenario"] != "drf-unreserved" || p["seed"] != float64(3) || len(p["scenario_sha256"].(string)) != 64 {
		t.Errorf("%s: provenance %v", what, p)
	}
	if ov, _ := p["overrides"].([]any); len(ov) != 1 || ov[0] != "duration=4s" {
		t.Errorf("%s: overrides %v", what, p["overrides"])
	}
}

// csvProvenance reads the "# key: value" lines before a CSV header.
func csvProvenance(t *testing.T, text string) map[string]any {
	t.Helper()
	p := map[string]any{}
	for _, line := range strings.Split(text, "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": ")
		if !strings.HasPrefix(line, "# ") || !ok {
			if strings.HasPrefix(line, "# ") {
				k = strings.TrimSuffix(strings.TrimPrefix(line, "# "), ":")
				p[k] = ""
			}
			continue
		}
		switch k {
		case "seed":
			p[k] = float64(3)
			if v != "3" {
				p[k] = v
			}
		case "overrides":
			p[k] = []any{v}
		default:
			p[k] = v
		}
	}
	return p
}

// TestOutputsProvenance: the summary in every format, the event log (gzip,
// by its name), the series (JSON and CSV) and the task log all name what
// made them, and the files hold what docs/series.md says.
func TestOutputsProvenance(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	events := filepath.Join(dir, "ev.jsonl.gz")
	seriesJSON := filepath.Join(dir, "s.json")
	seriesCSV := filepath.Join(dir, "s.csv")
	tasks := filepath.Join(dir, "t.csv")
	args := []string{"run", "drf-unreserved", "--seed", "3", "--set", "duration=4s"}

	r := mustRun(t, exitOK, append(args, "--format", "json", "--events", events, "--series", seriesJSON, "--interval", "1s", "--tasks", tasks)...)
	var res struct {
		Provenance map[string]any `json:"provenance"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	checkProvenance(t, "summary json", res.Provenance)

	f, err := os.Open(events)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("--events .gz is not gzip: %v", err)
	}
	line, _ := bufio.NewReader(zr).ReadString('\n')
	var hdr struct {
		Kind       string         `json:"kind"`
		Provenance map[string]any `json:"provenance"`
	}
	if err := json.Unmarshal([]byte(line), &hdr); err != nil || hdr.Kind != "header" {
		t.Fatalf("event log header %q: %v", line, err)
	}
	checkProvenance(t, "event log", hdr.Provenance)

	var ser struct {
		Provenance map[string]any `json:"provenance"`
		Interval   float64        `json:"interval"`
		Rows       []struct {
			Time, End           float64
			Scope, Name, Metric string
			Value               *float64
		} `json:"rows"`
	}
	b, _ := os.ReadFile(seriesJSON)
	if err := json.Unmarshal(b, &ser); err != nil {
		t.Fatal(err)
	}
	checkProvenance(t, "series json", ser.Provenance)
	if ser.Interval != 1 || len(ser.Rows) == 0 || ser.Rows[len(ser.Rows)-1].End != 4 {
		t.Errorf("series: interval %v, %d rows", ser.Interval, len(ser.Rows))
	}
	b, _ = os.ReadFile(tasks)
	checkProvenance(t, "tasks csv", csvProvenance(t, string(b)))
	cr := csv.NewReader(strings.NewReader(string(b)))
	cr.Comment = '#'
	if recs, err := cr.ReadAll(); err != nil || strings.Join(recs[0], ",") != "framework,role,job,task,submit,launch,end,wait,agent,state" {
		t.Errorf("tasks csv: %v %v", recs, err)
	}

	r = mustRun(t, exitOK, append(args, "--format", "csv", "--series", seriesCSV)...)
	checkProvenance(t, "summary csv", csvProvenance(t, r.stdout))
	b, _ = os.ReadFile(seriesCSV)
	checkProvenance(t, "series csv", csvProvenance(t, string(b)))

	r = mustRun(t, exitOK, args...)
	first := strings.Join(strings.SplitN(r.stdout, "\n", 3)[:2], "\n")
	for _, want := range []string{"scenario drf-unreserved", "allocator drf", "seed 3", "horizon 4s", "--set duration=4s", "mesosim " + version} {
		if !strings.Contains(first, want) {
			t.Errorf("table's first line %q lacks %q", first, want)
		}
	}
}

// TestOutputsOneStdout: two outputs cannot both take stdout.
func TestOutputsOneStdout(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitInput, "run", "drf-unreserved", "--events", "-", "--series", "-")
	if !strings.Contains(r.stderr, "--events and --series") {
		t.Errorf("stderr %q", r.stderr)
	}
	mustRun(t, exitInput, "run", "drf-unreserved", "--series", "x.csv", "--interval", "1us")
}

// run, compare, fuzz and replay --report each write one HTML file with
// inline SVG and the provenance.
func TestReportFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := func(n string) string { return filepath.Join(dir, n) }
	mustRun(t, exitOK, "run", "drf-unreserved", "--report", path("run.html"), "--interval", "1s")
	mustRun(t, exitOK, "compare", "drf-same-share", "--allocators", "drf,fifo", "--seeds", "2", "--baseline", "drf", "--report", path("compare.html"))
	mustRun(t, exitFailure, "fuzz", "reconciliation-under-loss", "--seeds", "2", "--set", "frameworks.0.behavior=naive", "--report", path("fuzz.html"))
	mustRun(t, exitFailure, "replay", "reconciliation-under-loss", "--seed", "1", "--set", "frameworks.0.behavior=naive", "--report", path("replay.html"))
	for _, tc := range []struct {
		file string
		svgs int
		want []string
	}{
		{"run.html", 5, []string{"mesosim run: drf-unreserved", "Dominant share per role", "scenario_sha256"}},
		{"compare.html", 3, []string{"mesosim compare: drf-same-share", "difference to drf", "seeds</th><td>1-2"}},
		{"fuzz.html", 2, []string{"mesosim fuzz: reconciliation-under-loss", "Violations by invariant", "Fault timeline of the first failing seed", "reconciliation"}},
		{"replay.html", 2, []string{"mesosim replay: reconciliation-under-loss seed 1", "Fault timeline", "V1"}},
	} {
		b, err := os.ReadFile(path(tc.file))
		if err != nil {
			t.Fatal(err)
		}
		out := string(b)
		if n := strings.Count(out, "<svg"); n < tc.svgs {
			t.Errorf("%s: %d inline SVGs, want at least %d", tc.file, n, tc.svgs)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q", tc.file, w)
			}
		}
	}
	// A bad --report path fails before anything runs, and leaves nothing.
	mustRun(t, exitInput, "run", "drf-unreserved", "--report", dir)
	mustRun(t, exitInput, "compare", "drf-same-share", "--report", "-")
}

// mesosim plot draws a saved series (plain or gzip) as SVG or PNG, and
// refuses bad input with status 2.
func TestPlotCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	series := filepath.Join(dir, "s.csv.gz")
	mustRun(t, exitOK, "run", "drf-unreserved", "--series", series, "--interval", "1s")
	svg := filepath.Join(dir, "p.svg")
	mustRun(t, exitOK, "plot", series, "--metric", "dominant_share", "--by", "role", "-o", svg)
	b, err := os.ReadFile(svg)
	if err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), ">r1<") {
		t.Fatalf("plot SVG: %v", err)
	}
	png := filepath.Join(dir, "p.png")
	mustRun(t, exitOK, "plot", series, "--metric", "util_cpus", "--by", "cluster", "-o", png)
	if b, _ := os.ReadFile(png); len(b) < 8 || string(b[1:4]) != "PNG" {
		t.Errorf("not a PNG")
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("time,end,scope,name,metric,value\n0,1,role,r,m,x\n"), 0o644)
	r := mustRun(t, exitInput, "plot", bad, "--metric", "m", "-o", svg)
	if !strings.Contains(r.stderr, "bad.csv:2:") {
		t.Errorf("no FILE:LINE: %s", r.stderr)
	}
	mustRun(t, exitInput, "plot", series, "--metric", "nope", "-o", svg)
	mustRun(t, exitInput, "plot", series, "--metric", "dominant_share", "-o", filepath.Join(dir, "p.jpg"))
	mustRun(t, exitInput, "plot", series, "--metric", "dominant_share", "--by", "rack", "-o", svg)
}

// The default table fits 120 columns and names the scenario, allocator,
// seed and horizon first; --wide shows every column.
func TestRunTableWidth(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "run", "--duration", "3m")
	if first := strings.SplitN(r.stdout, "\n", 2)[0]; first != "scenario default, allocator drf, seed 42, horizon 3m0s" {
		t.Errorf("first line %q", first)
	}
	for _, line := range strings.Split(r.stdout, "\n") {
		if n := len([]rune(line)); n > 120 {
			t.Errorf("a line of %d columns: %s", n, line)
		}
	}
	for _, hidden := range []string{"WAIT P99", "RESCINDED", "LOCKED MEM"} {
		if strings.Contains(r.stdout, hidden) {
			t.Errorf("the default table shows %s", hidden)
		}
	}
	if !strings.Contains(r.stdout, " TiB") && !strings.Contains(r.stdout, " GiB") {
		t.Errorf("memory not in GiB/TiB:\n%s", r.stdout)
	}
	wide := mustRun(t, exitOK, "run", "--duration", "3m", "--wide")
	for _, col := range []string{"WAIT P99", "RESCINDED", "LOCKED MEM", "WAIT MEAN", "JOB P99"} {
		if !strings.Contains(wide.stdout, col) {
			t.Errorf("--wide lacks %s", col)
		}
	}
}

// fuzz's JSON and table name what made them too.
func TestFuzzProvenance(t *testing.T) {
	t.Parallel()
	r := mustRun(t, exitOK, "fuzz", "drf-unreserved", "--seeds", "2", "--set", "duration=4s", "--format", "json")
	var out struct {
		Provenance map[string]any `json:"provenance"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	for _, k := range provenanceKeys {
		if _, ok := out.Provenance[k]; !ok {
			t.Errorf("fuzz JSON provenance lacks %s: %v", k, out.Provenance)
		}
	}
	if out.Provenance["seeds"] != "1-2" {
		t.Errorf("seeds %v", out.Provenance["seeds"])
	}
	table := mustRun(t, exitOK, "fuzz", "drf-unreserved", "--seeds", "2", "--set", "duration=4s")
	if !strings.HasPrefix(table.stdout, "scenario drf-unreserved, allocator drf, seeds 1-2, horizon 4s") {
		t.Errorf("fuzz table starts %q", strings.SplitN(table.stdout, "\n", 2)[0])
	}
}

// TestGzipOutputsReadBack: a --decisions or --events file given a .gz name
// is gzip (the one output helper compresses by name), and explain and
// replay --log read it back as they read a plain one.
func TestGzipOutputsReadBack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dec := filepath.Join(dir, "d.jsonl.gz")
	events := filepath.Join(dir, "ev.jsonl.gz")
	mustRun(t, exitOK, "run", "drf-unreserved", "--set", "duration=4s", "--decisions", dec, "--events", events)
	for _, p := range []string{dec, events} {
		b, err := os.ReadFile(p)
		if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Fatalf("%s is not gzip: %v", p, err)
		}
	}
	if r := mustRun(t, exitOK, "explain", dec); r.stdout == "" {
		t.Errorf("explain %s printed nothing", dec)
	}
	if r := mustRun(t, exitOK, "replay", "--log", events); !strings.Contains(r.stdout, "no invariant violated") && r.stdout == "" {
		t.Errorf("replay --log %s printed nothing", events)
	}
}
