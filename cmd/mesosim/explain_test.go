package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report/explain"
)

// explainCase is a small scenario in which framework v starves for one
// reason (on agent, if set), and the edit that removes the cause.
type explainCase struct {
	reason string
	agent  string
	stuck  bool // the episode can no longer end by itself

	yaml      string
	old, flip string // the edit that turns the cause off
}

const explainHead = `name: why
seed: 3
duration: 30s
master:
  allocator: drf
  allocation_interval: 1s
`

var explainCases = []explainCase{
	{reason: model.ReasonExhausted, stuck: true, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: hog, role: a, behavior: hold}
timeline:
  - {at: 0.5s, add_framework: {name: v, role: vr, behavior: decline, refuse_seconds: 1}}
`, old: "behavior: hold", flip: "behavior: decline, refuse_seconds: 1"},
	{reason: model.ReasonOfferLocked, stuck: false, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: hog, role: a, behavior: keep}
timeline:
  - {at: 0.5s, add_framework: {name: v, role: vr, behavior: decline, refuse_seconds: 1}}
`, old: "allocation_interval: 1s", flip: "allocation_interval: 1s\n  offer_timeout: 1s"},
	{reason: model.ReasonFiltered, stuck: false, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 60}
`, old: "refuse_seconds: 60", flip: "refuse_seconds: 1"},
	{reason: model.ReasonMinAllocatable, stuck: true, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1, min_allocatable: ["cpus:2"]}
`, old: `["cpus:2"]`, flip: `["cpus:1"]`},
	{reason: model.ReasonHeadroom, stuck: true, yaml: explainHead + `  quota:
    q: {guarantee: "cpus:1;mem:512"}
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1}
`, old: `guarantee: "cpus:1;mem:512"`, flip: `guarantee: "cpus:0.5;mem:256"`},
	{reason: model.ReasonQuotaLimit, stuck: true, agent: "a1", yaml: explainHead + `  quota:
    vr: {limit: "cpus:1;mem:512"}
agents:
  - {name: a1, resources: "cpus:1;mem:512"}
  - {name: a2, resources: "cpus(vr):1;mem(vr):512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1}
  - {name: vhold, role: vr, behavior: hold}
`, old: `limit: "cpus:1;mem:512"`, flip: `limit: "cpus:2;mem:1024"`},
	{reason: model.ReasonInactive, stuck: true, yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
frameworks:
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1}
timeline:
  - {at: 0.5s, suppress: {framework: v}}
`, old: "suppress:", flip: "revive:"},
	{reason: model.ReasonTaken, stuck: false, agent: "a1", yaml: explainHead + `agents:
  - {name: a1, resources: "cpus:1;mem:512"}
  - {name: a2, resources: "cpus(vr):1;mem(vr):512"}
frameworks:
  - {name: hog, role: a, behavior: decline, refuse_seconds: 0}
  - {name: v, role: vr, behavior: decline, refuse_seconds: 1}
  - {name: vhold, role: vr, behavior: hold}
`, old: "refuse_seconds: 0", flip: "refuse_seconds: 1"},
}

// explainJSON runs explain on a scenario text and decodes its report.
func explainJSON(t *testing.T, yaml string, args ...string) *explain.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "why.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"explain", path, "--format", "json"}, args...)
	r := mustRun(t, 0, args...)
	var rep explain.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return &rep
}

// TestExplainNamesEachReason: in each small scenario explain finds v's
// starvation and names exactly the cause built into it (every counted
// visit has that reason), and with the cause turned off the reason is
// gone.
func TestExplainNamesEachReason(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range explainCases {
		t.Run(c.reason, func(t *testing.T) {
			args := []string{"--framework", "v", "--min", "5s"}
			if c.agent != "" {
				args = append(args, "--agent", c.agent)
			}
			rep := explainJSON(t, c.yaml, args...)
			if len(rep.Episodes) == 0 {
				t.Fatalf("no episode of v explained; longest starvation %s", rep.Longest)
			}
			for _, e := range rep.Episodes {
				if len(e.Causes) != 1 || e.Causes[0].Reason != c.reason || e.Causes[0].Visits != e.Visits {
					t.Fatalf("episode %s: causes %+v, want only %s", e.Text, e.Causes, c.reason)
				}
				if (e.StuckCycle > 0) != c.stuck {
					t.Fatalf("episode %s: stuck from cycle %d, want stuck %v", e.Text, e.StuckCycle, c.stuck)
				}
			}
			if !strings.Contains(c.yaml, c.old) {
				t.Fatalf("the flip edit %q is not in the scenario", c.old)
			}
			off := explainJSON(t, strings.Replace(c.yaml, c.old, c.flip, 1), args...)
			for _, e := range off.Episodes {
				for _, cause := range e.Causes {
					if cause.Reason == c.reason {
						t.Fatalf("with the cause off (%q), %s is still named: %s", c.flip, c.reason, e.Text)
					}
				}
			}
			covered[c.reason] = true
		})
	}
	for _, r := range model.Reasons {
		if !covered[r] {
			t.Errorf("no passing scenario for reason %s", r)
		}
	}
}

// TestExplainDecisionsFile: explain on a file written by run --decisions
// says exactly what explain on the scenario says, and recording decisions
// leaves the event log byte for byte as it is without.
func TestExplainDecisionsFile(t *testing.T) {
	dir := t.TempDir()
	dec, plain, withDec := filepath.Join(dir, "d.jsonl"), filepath.Join(dir, "plain.jsonl"), filepath.Join(dir, "with.jsonl")
	mustRun(t, 0, "run", "testdata/small.yaml", "--events", plain)
	mustRun(t, 0, "run", "testdata/small.yaml", "--events", withDec, "--decisions", dec)
	a, _ := os.ReadFile(plain)
	b, _ := os.ReadFile(withDec)
	if len(a) == 0 || string(a) != string(b) {
		t.Fatalf("--decisions changed the event log (%d bytes against %d)", len(b), len(a))
	}
	for _, args := range [][]string{
		{"--format", "json"},
		{"--framework", "jobs", "--format", "json", "--min", "2s"},
		{"--framework", "late", "--from", "6s", "--to", "18s", "--agent", "a-1"},
	} {
		fromFile := mustRun(t, 0, append([]string{"explain", dec}, args...)...)
		fromRun := mustRun(t, 0, append([]string{"explain", "testdata/small.yaml"}, args...)...)
		if fromFile.stdout != fromRun.stdout || fromFile.stdout == "" {
			t.Fatalf("explain %v: the file says\n%s\nthe run says\n%s", args, fromFile.stdout, fromRun.stdout)
		}
	}
}

// TestExplainLongestIsSummaryStarvation: explain's longest episode of every
// framework is the summary's starvation column.
func TestExplainLongestIsSummaryStarvation(t *testing.T) {
	var res struct {
		Frameworks []struct {
			Name       string  `json:"name"`
			Starvation float64 `json:"starvation"`
		} `json:"frameworks"`
	}
	out := mustRun(t, 0, "run", "testdata/small.yaml", "--format", "json").stdout
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	rep := explainJSONFile(t, "testdata/small.yaml")
	if len(rep.Frameworks) != len(res.Frameworks) {
		t.Fatalf("explain tabulates %d frameworks, the summary %d", len(rep.Frameworks), len(res.Frameworks))
	}
	for i, f := range res.Frameworks {
		row := rep.Frameworks[i]
		if row.Framework != f.Name || row.Longest.Seconds() != f.Starvation {
			t.Errorf("%s: explain's longest %s, the summary's starvation %gs (row %s)", f.Name, row.Longest, f.Starvation, row.Framework)
		}
	}
}

func explainJSONFile(t *testing.T, path string, args ...string) *explain.Report {
	t.Helper()
	r := mustRun(t, 0, append([]string{"explain", path, "--format", "json"}, args...)...)
	var rep explain.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return &rep
}

// TestExplainBadInput: a damaged decisions file or a bad flag is exit
// status 2 with FILE:LINE and what is wrong.
func TestExplainBadInput(t *testing.T) {
	dir := t.TempDir()
	dec := filepath.Join(dir, "d.jsonl")
	mustRun(t, 0, "run", "testdata/small.yaml", "--decisions", dec)
	data, _ := os.ReadFile(dec)
	lines := strings.SplitAfter(strings.TrimSuffix(string(data), "\n"), "\n")
	write := func(name string, ls ...string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Join(ls, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cut := write("cut.jsonl", lines[:len(lines)-1]...)
	i := 1
	for !strings.Contains(lines[i], `"reason":"`) {
		i++
	}
	badReason := write("reason.jsonl", append(slices.Clone(lines[:i]), strings.Replace(lines[i], `"reason":"`, `"reason":"x`, 1))...)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"explain", cut}, cut + ":" + strconv.Itoa(len(lines)-1) + ": no end line"},
		{[]string{"explain", badReason}, badReason + ":" + strconv.Itoa(i+1) + `: agent`},
		{[]string{"explain", dec, "--seed", "3"}, "--seed: " + dec + " is a decisions file"},
		{[]string{"explain", dec, "--framework", "nobody"}, `framework "nobody" never had demand`},
		{[]string{"explain", "testdata/small.yaml", "--framework", "nobody"}, `scenario small has no framework "nobody"`},
		{[]string{"explain", "--from", "10s", "--to", "5s"}, "--to: 5s is not after --from 10s"},
		{[]string{"explain", "--min", "-1s"}, "--min: -1s is out of range"},
		{[]string{"explain", "--format", "csv"}, `--format: "csv" is not one of text, json`},
		{[]string{"run", "--events", "-", "--decisions", "-"}, "cannot both write to stdout"},
	} {
		r := mustRun(t, 2, c.args...)
		if !strings.Contains(r.stderr, c.want) {
			t.Errorf("mesosim %s: stderr %q lacks %q", strings.Join(c.args, " "), r.stderr, c.want)
		}
	}
}

// TestReportStarvation: run --report with --decisions adds the section
// "Starvation by cause" (v's lane, its cause in the legend, the table of
// mesosim explain), byte for byte the same on a rerun; without
// --decisions the report says in one line that --decisions adds it.
func TestReportStarvation(t *testing.T) {
	c := explainCases[0] // v starves, everything held by hog: exhausted
	if c.reason != model.ReasonExhausted {
		t.Fatalf("explainCases[0] is %s, want %s", c.reason, model.ReasonExhausted)
	}
	dir := t.TempDir()
	sc := writeFile(t, dir, "why.yaml", c.yaml)
	section := func(html, heading string) string {
		i := strings.Index(html, "<h2>"+heading+"</h2>")
		if i < 0 {
			return ""
		}
		rest := html[i:]
		if j := strings.Index(rest, "</section>"); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	var first string
	for i := range 2 {
		h, d := filepath.Join(dir, "r"+strconv.Itoa(i)+".html"), filepath.Join(dir, "d"+strconv.Itoa(i)+".jsonl")
		mustRun(t, 0, "run", sc, "--report", h, "--decisions", d)
		b, err := os.ReadFile(h)
		if err != nil {
			t.Fatal(err)
		}
		s := section(string(b), "Starvation by cause")
		if s == "" {
			t.Fatalf("no section Starvation by cause in the report")
		}
		for _, want := range []string{"<svg", ">v</text>", ">" + model.ReasonExhausted + "</text>", "<td>v</td>", "<td>29.5s</td>"} {
			if !strings.Contains(s, want) {
				t.Errorf("the section lacks %q:\n%s", want, s)
			}
		}
		if strings.Contains(s, ">"+model.ReasonFiltered+"</text>") {
			t.Errorf("the legend names %s, a cause not drawn", model.ReasonFiltered)
		}
		if strings.Contains(string(b), "Run with --decisions") {
			t.Errorf("the report with --decisions still has the hint")
		}
		// The figures are those of mesosim explain on the decisions file.
		var rep explain.Report
		if err := json.Unmarshal([]byte(mustRun(t, 0, "explain", d, "--format", "json").stdout), &rep); err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Frameworks {
			if r.Episodes > 0 && !strings.Contains(s, "<td>"+r.Framework+"</td><td>"+r.Role+"</td><td>"+strconv.Itoa(r.Episodes)+"</td><td>"+r.Starved.String()+"</td>") {
				t.Errorf("the table lacks explain's row %+v:\n%s", r, s)
			}
		}
		if i == 0 {
			first = s
		} else if s != first {
			t.Errorf("the section differs between two runs of the same seed")
		}
	}
	h := filepath.Join(dir, "plain.html")
	mustRun(t, 0, "run", sc, "--report", h)
	b, err := os.ReadFile(h)
	if err != nil {
		t.Fatal(err)
	}
	if section(string(b), "Starvation by cause") != "" {
		t.Errorf("the report without --decisions has the starvation section")
	}
	if !strings.Contains(string(b), "Run with --decisions FILE as well to add a section") {
		t.Errorf("the report without --decisions lacks the one-line hint")
	}
}
