package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sweep"
)

// shardParts runs args once per shard of n with --shard i/n --out, each
// exiting 0, and returns the parts' paths.
func shardParts(t *testing.T, dir string, n int, args ...string) []string {
	t.Helper()
	var paths []string
	for i := range n {
		p := filepath.Join(dir, "part-"+strconv.Itoa(i)+".json")
		r := cli(t, append(args, "--shard", strconv.Itoa(i)+"/"+strconv.Itoa(n), "--out", p)...)
		if r.code != 0 || r.stdout != "" {
			t.Fatalf("shard %d/%d of %v: exit %d, stdout %q, stderr %s", i, n, args, r.code, r.stdout, r.stderr)
		}
		paths = append(paths, p)
	}
	return paths
}

// compareSweepArgs is a compare sweep of 2 allocators x 2 variants x 3
// seeds: 12 cells.
var compareSweepArgs = []string{"compare", "drf-offer-filter", "--allocators", "drf,fifo", "--seeds", "3",
	"--vary", "frameworks.f1.refuse_seconds=0,2"}

// The parts of any shard count merge into what compare prints on one
// machine, byte for byte, in every format: one shard, three, and more
// shards than cells (empty parts).
func TestMergeCompareEqualsSingle(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 3, 5, 20} {
		dir := t.TempDir()
		parts := shardParts(t, dir, n, compareSweepArgs...)
		for _, format := range []string{"table", "json", "csv"} {
			single := mustRun(t, 0, append(compareSweepArgs, "--format", format)...)
			merged := mustRun(t, 0, append([]string{"merge", "--format", format}, parts...)...)
			if merged.stdout != single.stdout {
				t.Errorf("%d shards, --format %s: merge differs from compare:\n%s\n---\n%s", n, format, merged.stdout, single.stdout)
			}
		}
	}
	// The format of the sweep is the merge's default.
	dir := t.TempDir()
	parts := shardParts(t, dir, 2, append(compareSweepArgs, "--format", "csv", "--metrics", "cpu_util,offers")...)
	single := mustRun(t, 0, append(compareSweepArgs, "--format", "csv", "--metrics", "cpu_util,offers")...)
	if merged := mustRun(t, 0, append([]string{"merge"}, parts...)...); merged.stdout != single.stdout {
		t.Errorf("merge without --format:\n%s\n---\n%s", merged.stdout, single.stdout)
	}
}

// wallTime is the part of fuzz output that is wall time: the table's
// "; 1.23s wall time, 4.5 seeds/s" and the JSON timing object.
var wallTime = regexp.MustCompile(`; [0-9.]+s wall time, [0-9.+e]+ seeds/s|"timing": \{[^}]*\}`)

// The parts of a fuzz sweep merge into the single run's report in both
// formats, wall times apart, with its exit status: 1 when an invariant
// broke, though every shard that wrote its part exited 0.
func TestMergeFuzzEqualsSingle(t *testing.T) {
	t.Parallel()
	failing := append([]string{"fuzz", fuzzScenario, "--seeds", "4"}, naiveSets...)
	passing := []string{"fuzz", "drf-offer-filter", "--seeds", "7", "--swarm", "--skip-invariants", "convergence,liveness"}
	for _, tc := range []struct {
		args []string
		code int
	}{{failing, 1}, {passing, 0}} {
		for _, n := range []int{1, 3, 9} {
			parts := shardParts(t, t.TempDir(), n, tc.args...)
			for _, format := range []string{"table", "json"} {
				single := mustRun(t, tc.code, append(tc.args, "--format", format)...)
				merged := mustRun(t, tc.code, append([]string{"merge", "--format", format}, parts...)...)
				a, b := wallTime.ReplaceAllString(single.stdout, ""), wallTime.ReplaceAllString(merged.stdout, "")
				if a != b || a == single.stdout {
					t.Errorf("fuzz %v, %d shards, --format %s: merge differs from fuzz (or no wall time found):\n%s\n---\n%s", tc.args, n, format, merged.stdout, single.stdout)
				}
				// The last line of stderr is the verdict (progress comes before it).
				if tc.code != 0 && lastLine(merged.stderr) != lastLine(single.stderr) {
					t.Errorf("fuzz %v, %d shards: merge says %q, fuzz %q", tc.args, n, lastLine(merged.stderr), lastLine(single.stderr))
				}
			}
		}
	}
}

// merge --shrink shrinks the sweep's first failing seed as fuzz --shrink
// does: the same reproducer, byte for byte.
func TestMergeShrink(t *testing.T) {
	t.Parallel()
	args := append([]string{"fuzz", fuzzScenario, "--swarm", "--seeds", "2"}, naiveSets...)
	parts := shardParts(t, t.TempDir(), 2, args...)
	one, two := t.TempDir(), t.TempDir()
	single := fuzzJSON(t, mustRun(t, 1, append(args, "--shrink", "--shrink-dir", one, "--format", "json")...).stdout)
	merged := fuzzJSON(t, mustRun(t, 1, append([]string{"merge", "--shrink", "--shrink-dir", two, "--format", "json"}, parts...)...).stdout)
	if single.Shrunk == nil || merged.Shrunk == nil {
		t.Fatalf("no shrunk section: fuzz %+v, merge %+v", single.Shrunk, merged.Shrunk)
	}
	a, b := *single.Shrunk, *merged.Shrunk
	a.File, a.Log, a.Replay, b.File, b.Log, b.Replay = "", "", "", "", "", ""
	if ja, jb := mustJSON(t, a), mustJSON(t, b); ja != jb {
		t.Errorf("merge --shrink shrank differently:\n%s\n---\n%s", jb, ja)
	}
	ya, err1 := os.ReadFile(single.Shrunk.File)
	yb, err2 := os.ReadFile(merged.Shrunk.File)
	// The reproducer's comments name its own path.
	if err1 != nil || err2 != nil || len(ya) == 0 || strings.ReplaceAll(string(ya), one, two) != string(yb) {
		t.Errorf("the reproducers differ (%v, %v):\n%s\n---\n%s", err1, err2, yb, ya)
	}
	if r := cli(t, append([]string{"merge", "--shrink"}, shardParts(t, t.TempDir(), 2, "compare", "drf-offer-filter", "--seeds", "2")...)...); r.code != 2 || !strings.Contains(r.stderr, "--shrink is for fuzz parts") {
		t.Errorf("merge --shrink of compare parts: exit %d, %s", r.code, r.stderr)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// editPart rewrites the part at path with edit applied.
func editPart(t *testing.T, path string, edit func(p *sweep.Part)) {
	t.Helper()
	p, err := sweep.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	edit(p)
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyFile copies src to a new file dst and returns dst.
func copyFile(t *testing.T, src, dst string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// Parts that do not make one whole sweep are refused with status 2 and a
// message naming what is wrong, and nothing is printed; identical copies
// of a part (a retried task) are accepted.
func TestMergeRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	parts := shardParts(t, dir, 3, compareSweepArgs...)
	other := shardParts(t, t.TempDir(), 3, append(compareSweepArgs[:len(compareSweepArgs):len(compareSweepArgs)], "--seed-start", "5")...)

	missingCell := copyFile(t, parts[1], filepath.Join(dir, "missing-cell.json"))
	editPart(t, missingCell, func(p *sweep.Part) { p.Cells = p.Cells[1:] })
	conflict := copyFile(t, parts[2], filepath.Join(dir, "conflict.json"))
	editPart(t, conflict, func(p *sweep.Part) {
		p.Cells[0].Value = json.RawMessage(strings.Replace(string(p.Cells[0].Value), `"cpu_util":`, `"cpu_util":0.5,"x":`, 1))
		var v map[string]any
		_ = json.Unmarshal(p.Cells[0].Value, &v)
		delete(v, "x")
		p.Cells[0].Value, _ = json.Marshal(v)
	})
	arch := copyFile(t, parts[1], filepath.Join(dir, "arch.json"))
	editPart(t, arch, func(p *sweep.Part) { p.Build.GOARCH = "riscv64" })
	edited := copyFile(t, parts[0], filepath.Join(dir, "edited.json"))
	editPart(t, edited, func(p *sweep.Part) { p.Args = append(p.Args, "--seeds=4") })
	syntax := writeFile(t, dir, "syntax.json", "{\n  \"format\": 1,\n  \"shard\": 0/3\n}\n")
	retried := copyFile(t, parts[1], filepath.Join(dir, "retried.json"))

	for _, tc := range []struct {
		what  string
		parts []string
		want  string
	}{
		{"another sweep's part", []string{parts[0], parts[1], other[2]}, other[2] + " is from another sweep than " + parts[0] + ": fingerprint "},
		{"a missing part", []string{parts[0], parts[2]}, "1 of 3 parts missing: shard 1/3"},
		{"two missing parts", []string{parts[1]}, "2 of 3 parts missing: shard 0/3, 2/3"},
		{"a missing cell", []string{parts[0], missingCell, parts[2]}, "1 cells missing from the parts given: cell 1 (allocator drf, frameworks.f1.refuse_seconds=0, seed 2)"},
		{"a conflicting duplicate", []string{parts[0], parts[1], parts[2], conflict}, "cell 2 (allocator drf, frameworks.f1.refuse_seconds=0, seed 3) has different results in " + parts[2] + " and " + conflict},
		{"mixed GOARCH", []string{parts[0], arch, parts[2]}, arch + " was computed on GOARCH riscv64 and " + parts[0] + " on amd64"},
		{"edited arguments", []string{edited, parts[1], parts[2]}, "do not give their fingerprint"},
		{"bad JSON", []string{syntax}, syntax + ":3: not a mesosim part: invalid character"},
		{"no such file", []string{filepath.Join(dir, "none.json")}, filepath.Join(dir, "none.json") + ": no such file or directory"},
	} {
		if tc.what == "mixed GOARCH" && buildInfo().GOARCH != "amd64" {
			tc.want = strings.Replace(tc.want, "amd64", buildInfo().GOARCH, 1)
		}
		r := cli(t, append([]string{"merge"}, tc.parts...)...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2, nothing, and %q", tc.what, r.code, r.stdout, r.stderr, tc.want)
		}
	}
	// Parts of different builds merge, with a note on stderr.
	older := copyFile(t, parts[1], filepath.Join(dir, "older.json"))
	editPart(t, older, func(p *sweep.Part) { p.Build.Version = "0.0.9" })
	if r := mustRun(t, 0, "merge", parts[0], older, parts[2]); !strings.Contains(r.stderr, "written by different mesosim builds ("+version+", 0.0.9)") {
		t.Errorf("no note of the builds: %q", r.stderr)
	}
	// A retried shard's identical part, given twice, is accepted.
	want := mustRun(t, 0, append([]string{"merge"}, parts...)...)
	if got := mustRun(t, 0, "merge", parts[0], parts[1], retried, parts[2]); got.stdout != want.stdout {
		t.Errorf("an identical duplicate changed the merge")
	}
}

// A shard's flags are checked before anything runs: --shard needs --out,
// i/N is bounded, --out is created first (a directory is bad input, a
// missing folder an I/O failure, as for every output), and a fuzz part
// must hold its whole shard (no --time-budget, no --shrink).
func TestShardFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "p.json")
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"compare", "drf-offer-filter", "--shard", "0/2"}, 2, "--shard 0/2 needs --out PART.json"},
		{[]string{"compare", "drf-offer-filter", "--shard", "2/2", "--out", out}, 2, `--shard: "2/2": i must be in [0, 1]`},
		{[]string{"fuzz", "drf-offer-filter", "--shard", "0/0", "--out", out}, 2, `--shard: "0/0": N must be in [1, 100000]`},
		{[]string{"fuzz", "drf-offer-filter", "--shard", "a/b", "--out", out}, 2, `--shard: "a/b" is not i/N with whole numbers`},
		{[]string{"compare", "drf-offer-filter", "--shard", "0/2", "--out", sub}, 2, "--out: " + sub + " is a directory"},
		{[]string{"fuzz", "drf-offer-filter", "--shard", "0/2", "--out", filepath.Join(dir, "no", "p.json")}, 1,
			"--out: cannot create " + filepath.Join(dir, "no", "p.json") + ": directory " + filepath.Join(dir, "no") + ": no such file or directory"},
		{[]string{"fuzz", "drf-offer-filter", "--shard", "0/2", "--out", out, "--time-budget", "1m"}, 2, "--time-budget cannot be used with --shard"},
		{[]string{"fuzz", "drf-offer-filter", "--shard", "0/2", "--out", out, "--shrink"}, 2, "--shrink cannot be used with --shard"},
	} {
		r := cli(t, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("mesosim %s: exit %d, stderr %q; want %d and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.code, tc.want)
		}
	}
	if err := os.Remove(sub); err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("refused shards left %v", names)
	}
	// A written part is complete and alone: no temporary file beside it.
	mustRun(t, 0, "fuzz", "drf-offer-filter", "--seeds", "3", "--skip-invariants", "convergence,liveness", "--shard", "1/2", "--out", out)
	p, err := sweep.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, dir); len(names) != 1 || p.Shard != "1/2" || len(p.Cells) != 1 || p.Cells[0].Index != 1 || p.Total != 3 {
		t.Errorf("dir %v, part %+v", names, p)
	}
	if got := strings.Join(p.Args, " "); got != "drf-offer-filter --seeds=3 --skip-invariants=convergence,liveness" {
		t.Errorf("recorded args %q", got)
	}
}

// A shard stopped by a signal writes no part (the engine sees the task
// fail and reruns it whole), and leaves no temporary file.
func TestShardInterrupted(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "p.json")
	r := interruptCLI(t, os.Interrupt, "fuzz", fuzzScenario, "--seeds", "1000000", "--parallel", "2", "--shard", "0/2", "--out", out)
	if r.code != exitInterrupt || !strings.Contains(r.stderr, "interrupted by SIGINT: the report is incomplete (part "+out+" not written)") {
		t.Errorf("fuzz shard: exit %d, stderr %q", r.code, lastLine(r.stderr))
	}
	r = interruptCLI(t, syscall.SIGTERM, "compare", "policy-shapes", "--seeds", "10000", "--parallel", "2", "--shard", "1/2", "--out", out)
	if r.code != exitTerm || !strings.Contains(r.stderr, "interrupted by SIGTERM: the report is incomplete (part "+out+" not written)") {
		t.Errorf("compare shard: exit %d, stderr %q", r.code, lastLine(r.stderr))
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("interrupted shards left %v", names)
	}
}

// A compare cell is the run's whole report.Result, and it reads back from
// its part exactly, every field and every float64 bit: whatever compare's
// renderer takes from a Result, merge has it too.
func TestCompareCellRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"drf-offer-filter", "policy-shapes"} {
		file, data, err := scenarios.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := scenarios.ParseWith(file, data, []scenarios.Override{{Path: "duration", Value: "5m"}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := runOnce(sc)
		if err != nil {
			t.Fatal(err)
		}
		p := &sweep.Part{}
		if err := addCell(p, 0, res); err != nil {
			t.Fatal(err)
		}
		back := &report.Result{}
		if err := decodeCell(p.Cells[0].Value, back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res, back) {
			t.Errorf("%s: the result does not read back the same:\n%+v\n---\n%+v", name, res, back)
		}
		if len(res.Frameworks) == 0 || res.Cluster.CPUUtil == 0 && res.Cluster.Offers == 0 {
			t.Errorf("%s: an empty result proves nothing: %+v", name, res)
		}
	}
}
