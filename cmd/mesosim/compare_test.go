package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The comparison is the same whatever the parallelism: results land in
// fixed slots and each run is an independent deterministic simulation.
func TestCompareSameWhateverParallelism(t *testing.T) {
	args := []string{"compare", "drf-same-share", "--seeds", "4", "--format", "csv"}
	one := cli(t, append(args, "--parallel", "1")...)
	four := cli(t, append(args, "--parallel", "4")...)
	if one.code != 0 || four.code != 0 {
		t.Fatalf("exit %d / %d: %s %s", one.code, four.code, one.stderr, four.stderr)
	}
	if one.stdout != four.stdout {
		t.Fatalf("--parallel 1 and 4 differ:\n%s\n---\n%s", one.stdout, four.stdout)
	}
	if n := strings.Count(one.stdout, "\n"); n < 4*16 {
		t.Fatalf("only %d csv lines for 4 policies", n)
	}
}

// Rows are allocator-major, one per --vary value, and a bad --vary value
// fails before anything runs with status 2.
func TestCompareVaryRows(t *testing.T) {
	r := cli(t, "compare", "drf-offer-filter", "--allocators", "drf,fifo", "--seeds", "2",
		"--vary", "frameworks.f1.refuse_seconds=0,2", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Rows []struct{ Allocator, Variant string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range out.Rows {
		got = append(got, row.Allocator+" "+row.Variant)
	}
	want := "drf frameworks.f1.refuse_seconds=0,drf frameworks.f1.refuse_seconds=2,fifo frameworks.f1.refuse_seconds=0,fifo frameworks.f1.refuse_seconds=2"
	if strings.Join(got, ",") != want {
		t.Fatalf("rows %v, want %s", got, want)
	}
	// An override's error names the flag the user gave and the one value
	// that failed.
	for _, tc := range []struct {
		args []string
		tail string // how the first line of stderr ends
	}{
		{[]string{"--vary", "frameworks.f1.refuse_seconds=0,abc"}, "(--vary frameworks.f1.refuse_seconds=abc)"},
		{[]string{"--set", "frameworks.f1.refuse_seconds=abc"}, "(--set frameworks.f1.refuse_seconds=abc)"},
		{[]string{"--duration", "abc"}, "(--duration abc)"},
		{[]string{"--vary", "frameworks.nosuch.role=a,b"}, `--vary frameworks.nosuch.role=a: no element of frameworks named "nosuch"`},
	} {
		bad := cli(t, append([]string{"compare", "drf-offer-filter"}, tc.args...)...)
		if l := firstLine(bad.stderr); bad.code != 2 || !strings.HasSuffix(l, tc.tail) {
			t.Errorf("compare %v: exit %d, stderr %q, want status 2 and a first line ending %q", tc.args, bad.code, l, tc.tail)
		}
	}
	if bad := cli(t, "compare", "drf-offer-filter", "--allocators", "drf,lottery"); bad.code != 2 {
		t.Fatalf("unknown allocator: exit %d", bad.code)
	}
	if bad := cli(t, "compare", "drf-offer-filter", "--metrics", "nope"); bad.code != 2 {
		t.Fatalf("unknown metric: exit %d", bad.code)
	}
}

// --baseline gives every other policy's paired difference in the JSON
// (key "paired"), the table and the CSV; --metrics keeps the user's
// order; a baseline not among the allocators is bad input.
func TestCompareBaseline(t *testing.T) {
	args := []string{"compare", "drf-same-share", "--allocators", "random,drf", "--seeds", "3", "--baseline", "drf"}
	r := mustRun(t, exitOK, append(args, "--format", "json", "--metrics", "offers,cpu_util,role.wait_p95")...)
	var out struct {
		Baseline   string
		Provenance map[string]any
		Rows       []struct {
			Allocator string
			Metrics   []struct {
				Name, Role string
				Values     []*float64
				Paired     *struct {
					N    int
					Mean float64
					P    float64
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Baseline != "drf" || out.Provenance["seeds"] == nil || len(out.Rows) != 2 {
		t.Fatalf("baseline %q, provenance %v, %d rows", out.Baseline, out.Provenance, len(out.Rows))
	}
	var names []string
	for _, m := range out.Rows[0].Metrics {
		names = append(names, m.Name)
		if m.Paired == nil || m.Paired.N > 3 || m.Paired.P < 0 || m.Paired.P > 1 || len(m.Values) != 3 {
			t.Errorf("random %s: paired %+v, %d values", m.Name, m.Paired, len(m.Values))
		}
	}
	if names[0] != "offers" || names[1] != "cpu_util" {
		t.Errorf("metrics in order %v, want offers, cpu_util first", names)
	}
	for _, m := range out.Rows[1].Metrics {
		if m.Paired != nil {
			t.Errorf("the baseline's row has a paired difference for %s", m.Name)
		}
	}
	table := mustRun(t, exitOK, args...)
	if !strings.Contains(table.stdout, "paired difference to drf") || !strings.Contains(table.stdout, "WILCOXON") && !strings.Contains(table.stdout, "Wilcoxon") {
		t.Errorf("table without the paired differences:\n%s", table.stdout)
	}
	for _, line := range strings.Split(table.stdout, "\n") {
		if n := len([]rune(line)); n > 120 {
			t.Errorf("table line of %d columns: %s", n, line)
		}
	}
	if bad := cli(t, "compare", "drf-same-share", "--allocators", "random,fifo", "--baseline", "drf"); bad.code != exitInput {
		t.Errorf("baseline not compared: exit %d", bad.code)
	}
}
