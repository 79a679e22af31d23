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
// (created by the caller, or not) into dir, and returns its path.
func traceScenario(t *testing.T, dir, name string) string {
	t.Helper()
	sc := "name: r\nduration: 10m\nagents:\n  - {name: a, resources: \"cpus:4;mem:4096\"}\n" +
		"frameworks:\n  - {name: f, behavior: replay}\ntrace:\n  files: [" + name + "]\n  map:\n    - {framework: f}\n"
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
	} {
		dir := t.TempDir()
		tc.setup(t, dir)
		sc := traceScenario(t, dir, tc.trace)
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
