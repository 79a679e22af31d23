package simtest

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"pgregory.net/rapid"

	"github.com/mesosim/mesosim/report"
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
func Check(t *testing.T, sched NewScheduler, opt Options) {
	t.Helper()
	opt = opt.withDefaults()
	restore := overrideFlags(opt, false)
	defer restore()
	rapid.Check(t, property(sched, opt, nil))
}

// Failure is a broken check: the shrunk cluster and its violations.
type Failure struct {
	Cluster    Cluster
	Violations []report.Violation
}

// Invariant is the invariant of the first violation.
func (f *Failure) Invariant() string { return f.Violations[0].Invariant }

// String describes the failure: the first violation, the seed, the number
// of faults and the cluster as a Go literal.
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
	return b.String()
}

// Find searches like Check, without a testing.T to fail: it returns the
// failure rapid shrank, or nil when every check passed. It neither reads
// nor writes failfiles. It is for tests that expect a scheduler to fail
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
	return last
}

// property is the rapid property of Check and Find; when last is not nil
// it is set to each failing run's failure: rapid runs the shrunk input
// last.
func property(sched NewScheduler, opt Options, last **Failure) func(*rapid.T) {
	gen := ClusterGen(opt)
	return func(t *rapid.T) {
		c := gen.Draw(t, "cluster")
		vs := Run(c, sched)
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
