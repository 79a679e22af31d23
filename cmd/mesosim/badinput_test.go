package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nativeRows returns n good native trace rows, one a second, then the
// extra rows.
func nativeRows(n int, extra ...string) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"submit": %d, "job": "j%d", "task": "j%d/0", "class": "a", "cpus": 1, "mem": 128, "duration": 1000000, "running": false, "priority": 1, "user": "u"}`+"\n", i*1_000_000, i, i)
	}
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	return []byte(b.String())
}

// traceScenario writes a replay scenario reading the trace file name
// (created by the caller, or not) into dir, with extra keys of the trace
// section, and returns its path.
func traceScenario(t *testing.T, dir, name, extra string) string {
	t.Helper()
	sc := "name: r\nduration: 10m\nagents:\n  - {name: a, resources: \"cpus:4;mem:4096\"}\n" +
		"frameworks:\n  - {name: f, behavior: replay}\ntrace:\n  files: [" + name + "]\n  map:\n    - {framework: f}\n" + extra
	return writeFile(t, dir, "r.yaml", sc)
}

func gzipped(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Trace files are looked at before any work starts (every command), a
// row that is malformed mid-run ends run, compare and fuzz alike with
// FILE:LINE and status 2 and no summary or event log, and a path says
// what is wrong with it.
func TestTraceBadInput(t *testing.T) {
	t.Parallel()
	badRow := `{"submit": 200000000, "job": "jx", "task": "jx/0", "class": "a", "cpus": 1, "mem": 128, "duration": 1000000, "running": false, "priority": 1, "user": "u", "bogus": 1}`
	big := nativeRows(5000)
	gz := gzipped(t, big)
	type setup func(t *testing.T, dir string)
	file := func(name string, data []byte) setup {
		return func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		what   string
		trace  string
		setup  setup
		args   []string // before the scenario path is appended
		code   int
		stderr string // the first line of stderr contains it ("DIR" is the folder)
	}{
		{"a directory", "t.jsonl", func(t *testing.T, dir string) { os.Mkdir(filepath.Join(dir, "t.jsonl"), 0o755) },
			[]string{"validate"}, 2, "r.yaml:8: trace.files: DIR/t.jsonl: is a directory"},
		{"a symlink loop", "t.jsonl", func(t *testing.T, dir string) { os.Symlink("t.jsonl", filepath.Join(dir, "t.jsonl")) },
			[]string{"run"}, 2, "r.yaml:8: trace.files: DIR/t.jsonl: too many levels of symbolic links"},
		{"missing", "t.jsonl", func(t *testing.T, dir string) {}, []string{"validate"}, 2, "r.yaml:8: trace.files: t.jsonl: no such file"},
		{"a bad first row: validate", "t.jsonl", file("t.jsonl", nativeRows(0, badRow)), []string{"validate"}, 2, "t.jsonl:1: "},
		{"a bad first row: compare", "t.jsonl", file("t.jsonl", nativeRows(0, badRow)), []string{"compare", "--seeds", "1"}, 2, "t.jsonl:1: "},
		{"a bad row 151: validate", "t.jsonl", file("t.jsonl", nativeRows(150, badRow)), []string{"validate"}, 0, ""},
		{"a bad row 151: validate --deep", "t.jsonl", file("t.jsonl", nativeRows(150, badRow)), []string{"validate", "--deep"}, 2, "t.jsonl:151: "},
		{"a bad row 151: run", "t.jsonl", file("t.jsonl", nativeRows(150, badRow)), []string{"run", "--events", "EVENTS"}, 2, "t.jsonl:151: "},
		{"a bad row 151: compare", "t.jsonl", file("t.jsonl", nativeRows(150, badRow)), []string{"compare", "--seeds", "2"}, 2, "t.jsonl:151: "},
		{"a bad row 151: fuzz", "t.jsonl", file("t.jsonl", nativeRows(150, badRow)), []string{"fuzz", "--seeds", "3"}, 2, "t.jsonl:151: "},
		{"a gzip header cut short", "t.jsonl.gz", file("t.jsonl.gz", gz[:5]), []string{"validate"}, 2, "t.jsonl.gz:0: not a sound gzip stream"},
		{"a truncated gzip: validate --deep", "t.jsonl.gz", file("t.jsonl.gz", gz[:len(gz)*3/4]), []string{"validate", "--deep"}, 2, "truncated gzip stream"},
		{"a truncated gzip: run", "t.jsonl.gz", file("t.jsonl.gz", gz[:len(gz)*3/4]), []string{"run", "--duration", "2h", "--events", "EVENTS"}, 2, "truncated gzip stream"},
		{"a sound gzip", "t.jsonl.gz", file("t.jsonl.gz", gz), []string{"validate", "--deep"}, 0, ""},
		{"a request that overflows", "t.jsonl", file("t.jsonl", nativeRows(3, `{"submit": 3000000, "job": "j3", "task": "j3/0", "cpus": 1e16, "mem": 128, "duration": 1000000}`)),
			[]string{"run"}, 2, "t.jsonl:4: task j3/0: cpus 1e+16 (cores) is 1e+16, over the limit of 1e+12 per task"},
	} {
		dir := t.TempDir()
		tc.setup(t, dir)
		sc := traceScenario(t, dir, tc.trace, "")
		events := filepath.Join(dir, "events.jsonl")
		var args []string
		for _, a := range tc.args {
			args = append(args, strings.ReplaceAll(a, "EVENTS", events))
		}
		args = append(args, sc)
		r := cli(t, args...)
		want := strings.ReplaceAll(tc.stderr, "DIR", dir)
		if r.code != tc.code || !strings.Contains(firstLine(r.stderr), want) {
			t.Errorf("%s: mesosim %s: exit %d, stderr %q; want %d and %q", tc.what, strings.Join(tc.args, " "), r.code, firstLine(r.stderr), tc.code, want)
		}
		if tc.code == 2 {
			if r.stdout != "" {
				t.Errorf("%s: a refused command printed %q", tc.what, r.stdout)
			}
			if names := dirNames(t, dir); len(names) > 2 {
				t.Errorf("%s: files left behind: %v", tc.what, names)
			}
		}
	}
}

// Flags are bounded, and their errors are in the user's words: no Go
// parser names.
func TestFlagLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args   []string
		stderr string // the whole first line of stderr
	}{
		{[]string{"fuzz", "drf-unreserved", "--parallel", "1025"}, "mesosim: --parallel 1025: must be in [1, 1024]"},
		{[]string{"compare", "drf-unreserved", "--parallel", "0"}, "mesosim: --parallel 0: must be in [1, 1024]"},
		{[]string{"fuzz", "drf-unreserved", "--seeds", "1000001"}, "mesosim: --seeds 1000001: must be in [1, 1000000]"},
		{[]string{"compare", "drf-unreserved", "--seeds", "10001"}, "mesosim: --seeds 10001: must be in [1, 10000]"},
		{[]string{"compare", "drf-unreserved", "--seeds", "2", "--seed-start", "18446744073709551615"}, "mesosim: --seed-start 18446744073709551615: the last of 2 seeds would exceed 18446744073709551615"},
		{[]string{"compare", "drf-unreserved", "--seeds", "2", "--set", "seed=18446744073709551615"}, "mesosim: the scenario's seed 18446744073709551615: the last of 2 seeds would exceed 18446744073709551615"},
		{[]string{"fuzz", "drf-unreserved", "--seeds", "3", "--seed-start", "18446744073709551614"}, "mesosim: --seed-start 18446744073709551614: the last of 3 seeds would exceed 18446744073709551615"},
		{[]string{"fuzz", "drf-unreserved", "--seed-start", "-1"}, `mesosim: --seed-start: "-1" is not a non-negative integer`},
		{[]string{"compare", "drf-unreserved", "--seeds", "x"}, `mesosim: --seeds: "x" is not an integer`},
		{[]string{"fuzz", "drf-unreserved", "--seeds", "99999999999999999999"}, `mesosim: --seeds: "99999999999999999999" is out of range`},
		{[]string{"fuzz", "drf-unreserved", "--time-budget", "3x"}, `mesosim: --time-budget: "3x" is not a duration such as 90s, 10m or 1h30m`},
		{[]string{"run", "drf-unreserved", "--check=maybe"}, `mesosim: --check: "maybe" is not true or false`},
		{[]string{"run", "drf-unreserved", "--seed", "1.5"}, `mesosim: --seed: "1.5" is not a non-negative integer`},
	} {
		r := cli(t, tc.args...)
		if r.code != exitInput || firstLine(r.stderr) != tc.stderr {
			t.Errorf("mesosim %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), r.code, firstLine(r.stderr), tc.stderr)
		}
		if r.stdout != "" {
			t.Errorf("mesosim %s: printed %q", strings.Join(tc.args, " "), r.stdout)
		}
	}
}

// A scenario path says what is wrong with it, not "no such file".
func TestScenarioPathWords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	loop := filepath.Join(dir, "loop.yaml")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, dir, "f", "x")
	for _, tc := range []struct{ arg, want string }{
		{dir, "mesosim: " + dir + ": is a directory"},
		{loop, "mesosim: " + loop + ": too many levels of symbolic links"},
		{filepath.Join(file, "s.yaml"), "mesosim: " + filepath.Join(file, "s.yaml") + ": not a directory"},
		{filepath.Join(dir, "none.yaml"), "mesosim: " + filepath.Join(dir, "none.yaml") + ": no such file, and no embedded scenario of that name"},
	} {
		for _, cmd := range []string{"run", "validate", "fuzz", "compare"} {
			r := cli(t, cmd, tc.arg)
			if r.code != exitInput || !strings.HasPrefix(firstLine(r.stderr), tc.want) {
				t.Errorf("mesosim %s %s: exit %d, stderr %q; want 2 and %q", cmd, tc.arg, r.code, firstLine(r.stderr), tc.want)
			}
		}
	}
}
