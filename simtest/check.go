package simtest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/mesosim/mesosim/internal/fsio"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/timeline"
)

// Check draws clusters with ClusterGen(opt) (with rapid), runs the user's
// scheduler in each (one per framework, from sched) with the invariant
// checker, and fails t when an invariant breaks, with the invariant, the
// simulation seed and rapid's shrunk cluster as a Go literal to paste into
// a regression test calling Run.
//
// rapid's own mechanisms apply: on a failure it writes a failfile under
// testdata/rapid/TESTNAME/ and replays every failfile there first on the
// next run, so a failure keeps failing until fixed (delete the file once
// it passes, or keep it as a regression case); -rapid.checks,
// -rapid.seed, -rapid.failfile, -rapid.nofailfile and -rapid.v work as
// for any rapid property.
//
// Options.Checks sets the number of checks when -rapid.checks is not on
// the command line, and Options.ShrinkTime the shrinking budget when
// -rapid.shrinktime is not, and Options.Seed rapid's seed when -rapid.seed
// is not; such Checks are serialized with each other while they use
// it (rapid reads the count from its flag).
//
// When it fails, Check also logs the event log excerpt and the replay
// timeline of the shrunk cluster (the records that led to its first
// violation, as `mesosim replay` prints them), and writes the cluster as
// scenario YAML to Options.FailureDir (see Cluster.Scenario), with the
// excerpt beside it, and logs the `mesosim replay` command that runs it.
func Check(t *testing.T, sched NewScheduler, opt Options) {
	t.Helper()
	opt = opt.withDefaults()
	restore := overrideFlags(opt, false)
	defer restore()
	var last *Failure
	defer func() {
		if last != nil && t.Failed() {
			reportFailure(t, last, sched, opt)
		}
	}()
	rapid.Check(t, property(sched, opt, &last))
}

// Failure is a broken check: the shrunk cluster and its violations.
type Failure struct {
	Cluster    Cluster
	Violations []report.Violation
	// Timeline is the readable timeline of the records that led to the
	// first violation, as `mesosim replay` prints it; Excerpt the same
	// records as event log lines (JSON Lines, as `mesosim run --events`
	// writes them).
	Timeline, Excerpt string
}

// timelineContext is how many records about the violating task or agent
// a failure's timeline shows (`mesosim replay`'s default --context).
const timelineContext = 30

// explain fills in f's Timeline and Excerpt by running its cluster again
// with a timeline recorder: the run is deterministic, so it finds the same
// violations.
func (f *Failure) explain(sched NewScheduler, opt Options) {
	rec := timeline.NewRecorder(timelineContext, false)
	vs := run(f.Cluster, sched, opt.Invariants, rec)
	var b strings.Builder
	timeline.Write(&b, "the cluster", f.Cluster.Seed, vs, rec)
	f.Timeline, f.Excerpt = b.String(), rec.Excerpt()
}

// reportFailure logs f's timeline and writes its cluster as scenario YAML
// and its excerpt to opt.FailureDir.
func reportFailure(t *testing.T, f *Failure, sched NewScheduler, opt Options) {
	t.Helper()
	f.explain(sched, opt)
	t.Logf("event log excerpt and replay timeline of the shrunk cluster:\n%s", f.Timeline)
	if opt.FailureDir == "-" {
		return
	}
	base := filepath.Join(opt.FailureDir, fileName(t.Name()))
	yamlPath, logPath := base+".yaml", base+".log"
	comment := fmt.Sprintf("Written by simtest for %s: the shrunk cluster of a failing check\n(seed %d, %d faults), which broke %s at %s with the test's scheduler.\nIts frameworks run a stand-in for that scheduler: %s\nReplay it with: mesosim replay %s",
		t.Name(), f.Cluster.Seed, f.Cluster.Faults.Len(), f.Invariant(), f.Violations[0].T, standIn(opt), yamlPath)
	data, err := f.Cluster.Scenario(fileName(t.Name()), comment, opt.StandIn)
	if err == nil {
		err = writeFiles(map[string][]byte{yamlPath: data, logPath: []byte("# " + strings.ReplaceAll(comment, "\n", "\n# ") + "\n" + f.Excerpt)})
	}
	if err != nil {
		t.Errorf("simtest: writing the failure's scenario: %v", err)
		return
	}
	t.Logf("the shrunk cluster as a scenario: %s (event log excerpt: %s); replay it with: mesosim replay %s", yamlPath, logPath, yamlPath)
}

func standIn(opt Options) string {
	if opt.StandIn == "" {
		return DefaultStandIn
	}
	return opt.StandIn
}

// fileName turns a test name into a file name: letters, digits, '.', '-'
// and '_' kept, anything else (a subtest's '/') '_'.
func fileName(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// writeFiles writes each file through a temporary file renamed into place
// (internal/fsio), creating the directories.
func writeFiles(files map[string][]byte) error {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		out, err := fsio.Create(p, nil)
		if err != nil {
			return err
		}
		if _, err := out.Write(files[p]); err != nil {
			out.Abort()
			return err
		}
		if err := out.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Invariant is the invariant of the first violation.
func (f *Failure) Invariant() string { return f.Violations[0].Invariant }

// String describes the failure: the first violation, the seed, the number
// of faults, the cluster as a Go literal and (once Check or Find filled it
// in) the timeline.
func (f *Failure) String() string {
	v := f.Violations[0]
	subject := v.Task
	if subject == "" {
		subject = v.Agent
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invariant %s broken at %s (framework %q, task or agent %q): %s\n", v.Invariant, v.T, v.Framework, subject, v.Detail)
	if n := len(f.Violations); n > 1 {
		fmt.Fprintf(&b, "(and %d more violations)\n", n-1)
	}
	fmt.Fprintf(&b, "seed %d, %d faults; replay with simtest.Run(cluster, newScheduler), where cluster is\n%#v",
		f.Cluster.Seed, f.Cluster.Faults.Len(), f.Cluster)
	if f.Timeline != "" {
		b.WriteString("\nevent log excerpt and replay timeline:\n" + f.Timeline)
	}
	return b.String()
}

// Find searches like Check, without a testing.T to fail: it returns the
// failure rapid shrank, with its Timeline and Excerpt, or nil when every
// check passed. It neither reads nor writes failfiles, nor writes the
// failure's scenario (Failure.Cluster.Scenario does). It is for tests that expect a scheduler to fail
// (and for tools).
func Find(sched NewScheduler, opt Options) *Failure {
	opt = opt.withDefaults()
	restore := overrideFlags(opt, true)
	defer restore()
	var last *Failure
	tb := &quietTB{}
	rapid.Check(tb, property(sched, opt, &last))
	if !tb.failed {
		return nil
	}
	if last == nil { // a panic, not a violation
		panic("simtest: Find: " + strings.Join(tb.msgs, "\n"))
	}
	last.explain(sched, opt)
	return last
}

// property is the rapid property of Check and Find; when last is not nil
// it is set to each failing run's failure: rapid runs the shrunk input
// last.
func property(sched NewScheduler, opt Options, last **Failure) func(*rapid.T) {
	gen := ClusterGen(opt)
	return func(t *rapid.T) {
		c := gen.Draw(t, "cluster")
		vs := Run(c, sched, opt.Invariants...)
		if len(vs) == 0 {
			return
		}
		f := &Failure{Cluster: c, Violations: vs}
		if last != nil {
			*last = f
		}
		t.Fatalf("%s", f)
	}
}

var (
	flagMu      sync.Mutex
	userSetOnce sync.Once
	userSet     map[string]bool
)

// overrideFlags sets rapid's flags for one search (the number of checks
// unless the command line gave -rapid.checks; no failfiles when quiet)
// and returns what restores them.
func overrideFlags(opt Options, quiet bool) (restore func()) {
	userSetOnce.Do(func() {
		userSet = map[string]bool{}
		flag.Visit(func(f *flag.Flag) { userSet[f.Name] = true })
	})
	set := map[string]string{}
	if opt.Checks > 0 && !userSet["rapid.checks"] {
		set["rapid.checks"] = strconv.Itoa(opt.Checks)
	}
	if opt.Seed != 0 && !userSet["rapid.seed"] {
		set["rapid.seed"] = strconv.FormatUint(opt.Seed, 10)
	}
	if opt.ShrinkTime > 0 && !userSet["rapid.shrinktime"] {
		set["rapid.shrinktime"] = opt.ShrinkTime.String()
	}
	if quiet {
		set["rapid.nofailfile"] = "true"
		set["rapid.failfile"] = ""
	}
	if len(set) == 0 {
		return func() {}
	}
	flagMu.Lock()
	old := map[string]string{}
	for name, v := range set {
		f := flag.Lookup(name)
		if f == nil {
			continue
		}
		old[name] = f.Value.String()
		_ = f.Value.Set(v)
	}
	return func() {
		for name, v := range old {
			_ = flag.Lookup(name).Value.Set(v)
		}
		flagMu.Unlock()
	}
}

// quietTB is the rapid.TB of Find: it records a failure instead of
// failing a test.
type quietTB struct {
	failed bool
	msgs   []string
}

func (q *quietTB) Helper()                         {}
func (q *quietTB) Name() string                    { return "simtest.Find" }
func (q *quietTB) Logf(format string, args ...any) {}
func (q *quietTB) Log(args ...any)                 {}
func (q *quietTB) Skipf(format string, args ...any) {
	panic("simtest: Find: skip: " + fmt.Sprintf(format, args...))
}
func (q *quietTB) Skip(args ...any) { panic("simtest: Find: skip: " + fmt.Sprint(args...)) }
func (q *quietTB) SkipNow()         { panic("simtest: Find: skip") }
func (q *quietTB) Errorf(format string, args ...any) {
	q.failed = true
	q.msgs = append(q.msgs, fmt.Sprintf(format, args...))
}
func (q *quietTB) Error(args ...any) { q.failed = true; q.msgs = append(q.msgs, fmt.Sprint(args...)) }
func (q *quietTB) Fatalf(format string, args ...any) {
	q.Errorf(format, args...)
}
func (q *quietTB) Fatal(args ...any) { q.Error(args...) }
func (q *quietTB) FailNow()          { q.failed = true }
func (q *quietTB) Fail()             { q.failed = true }
func (q *quietTB) Failed() bool      { return q.failed }
