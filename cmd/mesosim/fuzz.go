package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/internal/fsio"
	"github.com/mesosim/mesosim/internal/shell"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/shrink"
	"github.com/mesosim/mesosim/sweep"
	"github.com/mesosim/mesosim/traces"
)

// Limits of one fuzz command.
const (
	maxFuzzSeeds    = 1_000_000
	fuzzFirstSeeds  = 5  // seeds listed per invariant
	fuzzDetailWidth = 64 // the detail column of the table
)

type fuzzOptions struct {
	seeds      int
	seedStart  uint64
	swarm      bool
	sets       []string
	parallel   int
	timeBudget time.Duration
	format     string
	shrink     bool
	shrinkRuns int
	shrinkDir  string
	duration   string
	skip       string
	skipList   []string // skip, parsed
	shard      shardOptions
	report     string
}

func newFuzzCmd() *cobra.Command { return fuzzCommand(&fuzzOptions{}) }

// fuzzCommand is the fuzz command, its flags parsed into o.
func fuzzCommand(o *fuzzOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fuzz SCENARIO.yaml|NAME",
		Short: "Run a scenario over many seeds with the invariant checkers on",
		Long: `Run a scenario once per seed (--seed-start, --seed-start+1, ...) with
the invariant checkers on, and report which invariants broke and for which
seeds, with the command that reproduces the first failing seed. --swarm
draws the fault model itself from each seed (faults.swarm=true). Runs go in
parallel across cores; the report is the same whatever the parallelism.
--shrink then shrinks the first failing seed to a small scenario that
still breaks the same invariant first (fewer faults, agents, frameworks
and jobs, shorter fault windows and horizon, every fault written out),
and writes it with the replayed records around its violation to
--shrink-dir. Exit status 1 when any invariant broke, 0 otherwise.`,
		Args: checkArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	f := cmd.Flags()
	f.IntVar(&o.seeds, "seeds", 100, "seeds to run (1 to 1,000,000)")
	f.Uint64Var(&o.seedStart, "seed-start", 1, "first seed; the others follow it")
	f.BoolVar(&o.swarm, "swarm", false, "draw the faults from each seed (same as --set faults.swarm=true)")
	f.StringArrayVar(&o.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable)")
	f.IntVar(&o.parallel, "parallel", runtime.GOMAXPROCS(0), "simulations run at once")
	f.DurationVar(&o.timeBudget, "time-budget", 0, "stop starting seeds after this much wall time, e.g. 30s or 10m (0: no limit)")
	f.StringVar(&o.format, "format", "table", "output format: table or json")
	f.BoolVar(&o.shrink, "shrink", false, "shrink the first failing seed to a small reproducer scenario (written to --shrink-dir)")
	f.IntVar(&o.shrinkRuns, "shrink-runs", shrink.DefaultMaxRuns, "candidate scenarios --shrink may run at most")
	f.StringVar(&o.shrinkDir, "shrink-dir", ".", "directory --shrink writes the reproducer and its event log excerpt to")
	f.StringVar(&o.duration, "duration", "", "simulated horizon of every seed, a Go duration such as 30m (same as --set duration=D)")
	registerSkip(cmd, &o.skip)
	o.shard.register(f)
	f.StringVar(&o.report, "report", "", "write a one-file HTML report (violations by invariant, the first failing seed's fault timeline) to FILE")
	return cmd
}

// fuzzHit is the first violation of one invariant in one seed, and how
// many violations of it the seed had.
type fuzzHit struct {
	first report.Violation
	count int
}

// fuzzOutcome is what one seed gave; outcomes live in a slot per seed.
type fuzzOutcome struct {
	ran  bool
	hits []fuzzHit // one per invariant broken, in the order first broken
	err  error
}

// fuzzInvariant is a row of the report: one invariant that broke.
type fuzzInvariant struct {
	Invariant string `json:"invariant"`
	// Seeds is how many seeds broke it, FirstSeeds the lowest of them.
	Seeds      int      `json:"seeds"`
	FirstSeeds []uint64 `json:"first_seeds"`
	// Violations counts them over all seeds (once per subject per seed).
	Violations int `json:"violations"`
	// FirstDetail is the first violation in the lowest seed.
	FirstDetail string `json:"first_detail"`
}

// fuzzRange is a range of seeds, both ends included.
type fuzzRange struct {
	First uint64 `json:"first"`
	Last  uint64 `json:"last"`
}

// fuzzSeedError is a seed whose run failed (not an invariant: the
// simulation itself, e.g. a panic).
type fuzzSeedError struct {
	Seed  uint64 `json:"seed"`
	Error string `json:"error"`
}

// fuzzTiming is the wall-clock part of a report, the only part that
// varies from run to run.
type fuzzTiming struct {
	WallSeconds    float64 `json:"wall_seconds"`
	SeedsPerSecond float64 `json:"seeds_per_second"`
}

// fuzzReport is the output of `mesosim fuzz` (--format json writes it as
// is).
type fuzzReport struct {
	// Provenance names what made the report.
	Provenance     *report.Provenance `json:"provenance,omitempty"`
	Scenario       string             `json:"scenario"`
	Swarm          bool               `json:"swarm"`
	Overrides      []string           `json:"overrides"`
	SeedStart      uint64             `json:"seed_start"`
	SeedsRequested int                `json:"seeds_requested"`
	// Stopped is "time-budget" or "interrupt" when the run stopped before
	// every seed was started, else empty.
	Stopped string `json:"stopped,omitempty"`
	// Signal is the stop signal received (SIGINT, SIGTERM), if any: the
	// report is then incomplete and the exit status 130 or 143.
	Signal string `json:"signal,omitempty"`
	// Judged lists the invariants every seed was judged by; NotJudged
	// the checks skipped or out of reach of the horizon, with why.
	Judged    []string `json:"judged"`
	NotJudged string   `json:"not_judged,omitempty"`
	SeedsRun  int      `json:"seeds_run"`
	// Completed is the longest run of seeds from SeedStart that all ran
	// (nil when none did); Beyond lists seeds that ran past a gap in it.
	Completed           *fuzzRange      `json:"completed"`
	Beyond              []uint64        `json:"beyond,omitempty"`
	SeedsWithViolations int             `json:"seeds_with_violations"`
	Invariants          []fuzzInvariant `json:"invariants"`
	FirstFailingSeed    *uint64         `json:"first_failing_seed,omitempty"`
	Reproduce           string          `json:"reproduce,omitempty"`
	Errors              []fuzzSeedError `json:"errors,omitempty"`
	// Shrunk is what --shrink made of the first failing seed.
	Shrunk *fuzzShrunk `json:"shrunk,omitempty"`
	Timing fuzzTiming  `json:"timing"`

	budget time.Duration
}

// fuzzSweep is a fuzz command resolved from its flags and scenario. Its
// cells are its seeds: cell i is seed --seed-start + i.
type fuzzSweep struct {
	o    *fuzzOptions
	name string // the scenario argument
	file string
	data []byte
	sets []string // --set, then duration=D for --duration, faults.swarm=true for --swarm
	ovs  []scenarios.Override
	base *scenarios.Scenario
	spec sweep.Spec
	// reportOut is the --report file (nil: none), opened before any seed
	// runs.
	reportOut *streamOut
}

// describe names cell c, for errors.
func (s *fuzzSweep) describe(c int) string { return fmt.Sprintf("seed %d", s.o.seedStart+uint64(c)) }

func (o *fuzzOptions) run(cmd *cobra.Command, name string) error {
	if err := o.shard.check(); err != nil {
		return err
	}
	if o.shard.sharded() {
		if o.timeBudget != 0 {
			return badInput("--time-budget cannot be used with --shard or --out: a part must hold every seed of its shard")
		}
		if o.shrink {
			return badInput("--shrink cannot be used with --shard or --out: shrink the sweep's first failing seed with mesosim merge --shrink")
		}
		if o.report != "" {
			return badInput("--report cannot be used with --shard or --out: a part holds no report")
		}
	}
	tuneGCForManyRuns()
	file, data, err := scenarios.Source(name)
	if err != nil {
		return err
	}
	s, err := o.resolve(name, file, data, o.shard.shard.Count, true)
	if err != nil {
		return err
	}
	var part *partOutput
	if o.shard.sharded() {
		// Created now, so that a bad --out fails before any seed runs.
		if part, err = o.shard.create(scenarioInputs(s.base)); err != nil {
			return err
		}
		defer part.abort()
	}
	// Opened now, so that a bad --report fails before any seed runs.
	if s.reportOut, err = openReport(o.report, scenarioInputs(s.base)); err != nil {
		return err
	}
	defer s.reportOut.abort()

	// SIGINT or SIGTERM stops the dispatch as the time budget does; a
	// second one (the default handling, restored after the first) ends the
	// process.
	sigc := make(chan os.Signal, 1)
	notifyStop(sigc)
	defer stopNotify(sigc)
	cells := o.shard.shard.Cells(o.seeds)
	start := time.Now()
	got, stopped, sig := s.runSeeds(cmd.ErrOrStderr(), cells, sigc)
	wall := time.Since(start)

	// A malformed trace row (or a corrupt trace file) is bad input, met
	// mid-run: it ends the fuzz as it ends run, with FILE:LINE and no
	// report. The lowest seed's error is the one named.
	for _, out := range got {
		if traces.IsInputError(out.err) {
			return inputError{out.err}
		}
	}
	if part != nil {
		if sig != nil {
			return interruptedError{sig: sig, what: "part " + o.shard.out + " not written"}
		}
		p := newPart("fuzz", recordedArgs(cmd, name), file, data, s.spec, o.shard.shard, o.seeds)
		p.WallSeconds = wall.Seconds()
		for i, c := range cells {
			if err := addCell(p, c, got[i].cell()); err != nil {
				return err
			}
		}
		return part.commit(cmd, p)
	}
	return s.finish(cmd, got, stopped, sig, wall, sigc)
}

// resolve checks every flag and decodes the scenario from its file name
// and text before any seed runs; with build it also checks the trace
// files and builds it (merge, which runs nothing, does neither). shards
// is the shard count, part of the sweep's fingerprint.
func (o *fuzzOptions) resolve(name, file string, data []byte, shards int, build bool) (*fuzzSweep, error) {
	// Every input is checked before any seed runs.
	switch o.format {
	case "table", "json":
	default:
		return nil, badInput("--format: %q is not one of table, json", o.format)
	}
	if err := checkSeeds(o.seeds, maxFuzzSeeds, o.seedStart, "--seed-start"); err != nil {
		return nil, err
	}
	if err := checkParallel(o.parallel); err != nil {
		return nil, err
	}
	if o.timeBudget < 0 {
		return nil, badInput("--time-budget must not be negative")
	}
	if o.shrinkRuns < 1 || o.shrinkRuns > shrink.MaxRunsLimit {
		return nil, badInput("--shrink-runs must be in [1, %d]", shrink.MaxRunsLimit)
	}
	if o.shrink {
		// Checked writable now, not after an hour of fuzzing.
		if err := fsio.CheckDir(o.shrinkDir); err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				return nil, badInput("--shrink-dir: %v", err)
			}
			return nil, fmt.Errorf("--shrink-dir: cannot write files in %v", err)
		}
	}
	var err error
	if o.skipList, err = parseSkip(o.skip); err != nil {
		return nil, err
	}
	s := &fuzzSweep{o: o, name: name, file: file, data: data, sets: slices.Clone(o.sets)}
	if o.duration != "" {
		s.sets = append(s.sets, "duration="+o.duration)
	}
	if o.swarm {
		s.sets = append(s.sets, "faults.swarm=true")
	}
	for i, set := range s.sets {
		ov, err := scenarios.ParseOverride(set)
		if err != nil {
			return nil, badInput("--set: %v", err)
		}
		if o.duration != "" && i == len(o.sets) {
			ov.Flag = "--duration" // errors name the flag, not --set
		}
		s.ovs = append(s.ovs, ov)
	}
	if s.base, err = scenarios.ParseWith(file, data, s.ovs); err != nil {
		return nil, err
	}
	if err := checkHorizon(s.base, o.skipList, durationFrom(o.duration, o.sets)); err != nil {
		return nil, err
	}
	if build {
		if err := checkTraceFiles(s.base, false); err != nil {
			return nil, err
		}
		if _, err := scenarios.Build(s.base); err != nil {
			return nil, err
		}
	}
	s.spec = sweep.Spec{Command: "fuzz", Scenario: string(data), Sets: s.sets, Skip: o.skipList,
		Seeds: o.seeds, SeedStart: o.seedStart, Shards: shards}
	return s, nil
}

// runSeeds runs the given cells (seed --seed-start + cell) and returns
// their outcomes in the same order, why it stopped early ("" when every
// seed ran, "time-budget" or "interrupt"), and the stop signal received
// on sigc, if any.
func (s *fuzzSweep) runSeeds(stderr io.Writer, cells []int, sigc chan os.Signal) ([]fuzzOutcome, string, os.Signal) {
	o := s.o
	outcomes := make([]fuzzOutcome, len(cells))
	var done, failing atomic.Int64
	prog := newFuzzProgress(stderr, len(cells), &done, &failing)
	var sig os.Signal // the stop signal received, if any
	var budget <-chan time.Time
	start := time.Now()
	if o.timeBudget > 0 {
		t := time.NewTimer(o.timeBudget)
		defer t.Stop()
		budget = t.C
	}
	prog.start(start)

	// Seeds are handed out in order, one to each idle worker, and each
	// outcome lands in its seed's slot: the report does not depend on the
	// parallelism, and the seeds that ran are always a prefix.
	jobs := make(chan int)
	var wg sync.WaitGroup
	var badTrace atomic.Bool // a seed met a malformed trace: start no more
	for range min(o.parallel, len(cells)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				sc := *s.base
				sc.Seed = o.seedStart + uint64(cells[i])
				out := fuzzSeed(&sc, o.skipList)
				outcomes[i] = out
				if traces.IsInputError(out.err) {
					badTrace.Store(true)
				}
				if len(out.hits) > 0 {
					failing.Add(1)
				}
				done.Add(1)
			}
		}()
	}
	stopped := ""
	dispatched := 0
dispatch:
	for dispatched < len(cells) && !badTrace.Load() {
		// A stop that is due wins over a worker that is ready.
		select {
		case <-budget:
			stopped = "time-budget"
			break dispatch
		case sig = <-sigc:
			stopped = "interrupt"
			break dispatch
		default:
		}
		select {
		case jobs <- dispatched:
			dispatched++
		case <-budget:
			stopped = "time-budget"
			break dispatch
		case sig = <-sigc:
			stopped = "interrupt"
			break dispatch
		}
	}
	close(jobs)
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()
	interrupted := func() {
		stopNotify(sigc)
		prog.note(fmt.Sprintf("interrupted by %s: finishing the %d seed(s) running (the signal again to quit now)",
			signalName(sig), max(int64(dispatched)-done.Load(), 0)))
	}
	switch stopped {
	case "interrupt":
		interrupted()
	case "time-budget":
		prog.note(fmt.Sprintf("time budget of %s spent: finishing the %d seed(s) running",
			o.timeBudget, max(int64(dispatched)-done.Load(), 0)))
	}
	if stopped != "interrupt" {
		// Every seed to run has started: a Ctrl-C now stops nothing
		// early, but it says so and lets a second one quit.
		select {
		case <-finished:
		case sig = <-sigc:
			interrupted()
		}
	}
	<-finished
	prog.finish()
	return outcomes, stopped, sig
}

// finish reports the outcome of every seed (outcomes[i] for seed
// --seed-start + i): it shrinks the first failing seed with --shrink,
// prints the report in --format, and returns the error that gives the
// exit status (1 when a seed failed to run or an invariant broke; 130 or
// 143 after a stop signal, sig). It is fuzz's only renderer: `mesosim
// fuzz` and `mesosim merge` of fuzz parts both print through it.
func (s *fuzzSweep) finish(cmd *cobra.Command, outcomes []fuzzOutcome, stopped string, sig os.Signal, wall time.Duration, sigc chan os.Signal) error {
	o, name, sets, base := s.o, s.name, s.sets, s.base
	stderr := cmd.ErrOrStderr()
	rep := o.summarize(name, base.Name, sets, outcomes)
	var err error
	if rep.Provenance, err = s.provenance(); err != nil {
		return err
	}
	rep.Stopped, rep.budget = stopped, o.timeBudget
	if sig != nil {
		rep.Signal = signalName(sig)
	}
	rep.Judged = checkerConfig(base, o.skipList).Judged(base.Duration)
	if !allJudged(base, o.skipList) {
		_, rep.NotJudged, _ = strings.Cut(judgedText(base, o.skipList), "; not judged: ")
	}
	rep.Timing.WallSeconds = wall.Seconds()
	if s := wall.Seconds(); s > 0 {
		rep.Timing.SeedsPerSecond = float64(rep.SeedsRun) / s
	}
	if o.shrink && rep.FirstFailingSeed != nil {
		if stopped == "interrupt" {
			fmt.Fprintln(stderr, "fuzz: interrupted: not shrinking")
		} else {
			var ssig os.Signal
			if rep.Shrunk, ssig, err = o.shrinkSeed(stderr, name, s.file, s.data, s.ovs, *rep.FirstFailingSeed, sigc); err != nil {
				return err
			}
			if ssig != nil {
				// The seeds all ran; the shrink did not finish.
				sig, rep.Signal = ssig, signalName(ssig)
			}
		}
	}
	if s.reportOut != nil {
		if err := s.writeReport(s.reportOut, rep); err != nil {
			return err
		}
	}
	w := cmd.OutOrStdout()
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.writeTable(w)
	}
	if err != nil {
		return err
	}
	if sig != nil {
		// Interrupted is not a pass, nor a complete failure report.
		what := fmt.Sprintf("%d of %d seeds run, %d with violations", rep.SeedsRun, rep.SeedsRequested, rep.SeedsWithViolations)
		if rep.Shrunk != nil && rep.Shrunk.Interrupted {
			what += fmt.Sprintf("; the shrink of seed %d stopped after %d runs, its smallest reproducer so far written to %s", rep.Shrunk.Seed, rep.Shrunk.Runs, rep.Shrunk.File)
		}
		return interruptedError{sig: sig, what: what}
	}
	if len(rep.Errors) > 0 {
		e := rep.Errors[0]
		return fmt.Errorf("%d seed(s) failed to run; the first, seed %d: %s; reproduce with: %s",
			len(rep.Errors), e.Seed, e.Error, o.reproCommand(name, e.Seed, sets))
	}
	if rep.SeedsWithViolations > 0 {
		names := make([]string, len(rep.Invariants))
		for i, inv := range rep.Invariants {
			names[i] = inv.Invariant
		}
		if rep.Shrunk != nil {
			return fmt.Errorf("invariants broke in %d of %d seeds (%s); replay the shrunk reproducer of the first with: %s",
				rep.SeedsWithViolations, rep.SeedsRun, strings.Join(names, ", "), rep.Shrunk.Replay)
		}
		return fmt.Errorf("invariants broke in %d of %d seeds (%s); reproduce the first with: %s",
			rep.SeedsWithViolations, rep.SeedsRun, strings.Join(names, ", "), rep.Reproduce)
	}
	return nil
}

// fuzzSeed runs one seed of a scenario (a private copy) with the invariant
// checker on, as `mesosim run` does. A panic of the simulation is caught
// and reported as the seed's error.
func fuzzSeed(sc *scenarios.Scenario, skip []string) (out fuzzOutcome) {
	out.ran = true
	vs, err := shrink.ViolationsSkipping(sc, skip)
	if err != nil {
		out.err = err
		return out
	}
	idx := map[string]int{}
	for _, v := range vs {
		i, ok := idx[v.Invariant]
		if !ok {
			i = len(out.hits)
			idx[v.Invariant] = i
			out.hits = append(out.hits, fuzzHit{first: v})
		}
		out.hits[i].count++
	}
	return out
}

// summarize builds the report from the seeds' slots, in seed order.
func (o *fuzzOptions) summarize(arg, scenario string, sets []string, outcomes []fuzzOutcome) *fuzzReport {
	rep := &fuzzReport{
		Scenario:       scenario,
		Swarm:          o.swarm,
		Overrides:      append([]string{}, sets...),
		SeedStart:      o.seedStart,
		SeedsRequested: o.seeds,
		Invariants:     []fuzzInvariant{},
	}
	prefix := 0
	for prefix < len(outcomes) && outcomes[prefix].ran {
		prefix++
	}
	if prefix > 0 {
		rep.Completed = &fuzzRange{First: o.seedStart, Last: o.seedStart + uint64(prefix-1)}
	}
	byName := map[string]*fuzzInvariant{}
	for i := range outcomes {
		out := &outcomes[i]
		if !out.ran {
			continue
		}
		seed := o.seedStart + uint64(i)
		rep.SeedsRun++
		if i > prefix {
			rep.Beyond = append(rep.Beyond, seed)
		}
		if out.err != nil {
			rep.Errors = append(rep.Errors, fuzzSeedError{Seed: seed, Error: out.err.Error()})
			continue
		}
		if len(out.hits) == 0 {
			continue
		}
		rep.SeedsWithViolations++
		if rep.FirstFailingSeed == nil {
			s := seed
			rep.FirstFailingSeed = &s
			rep.Reproduce = o.reproCommand(arg, seed, sets)
		}
		for _, h := range out.hits {
			inv := byName[h.first.Invariant]
			if inv == nil {
				inv = &fuzzInvariant{Invariant: h.first.Invariant, FirstSeeds: []uint64{},
					FirstDetail: fmt.Sprintf("seed %d: %s", seed, violationText(h.first))}
				byName[h.first.Invariant] = inv
			}
			inv.Seeds++
			inv.Violations += h.count
			if len(inv.FirstSeeds) < fuzzFirstSeeds {
				inv.FirstSeeds = append(inv.FirstSeeds, seed)
			}
		}
	}
	// The invariants in the reference's order, any other after them by
	// name.
	known := report.InvariantNames()
	for _, n := range known {
		if inv := byName[n]; inv != nil {
			rep.Invariants = append(rep.Invariants, *inv)
		}
	}
	var others []string
	for n := range byName {
		if !slices.Contains(known, n) {
			others = append(others, n)
		}
	}
	slices.Sort(others)
	for _, n := range others {
		rep.Invariants = append(rep.Invariants, *byName[n])
	}
	return rep
}

// violationText is a violation as one line: when, its subject, and what
// is wrong.
func violationText(v report.Violation) string {
	subject := v.Task
	if subject == "" {
		subject = v.Agent
	}
	if v.Framework != "" && v.Task != "" {
		subject = v.Framework + "/" + v.Task
	}
	if subject == "" {
		return fmt.Sprintf("at %s: %s", v.T, v.Detail)
	}
	return fmt.Sprintf("at %s, %s: %s", v.T, subject, v.Detail)
}

// reproCommand is the `mesosim run` command line that reruns one seed,
// skipping what the fuzz skipped.
func (o *fuzzOptions) reproCommand(arg string, seed uint64, sets []string) string {
	parts := []string{"mesosim", "run", shellQuote(arg), "--seed", strconv.FormatUint(seed, 10)}
	for _, s := range sets {
		parts = append(parts, "--set", shellQuote(s))
	}
	if len(o.skipList) > 0 {
		parts = append(parts, "--"+skipFlag, strings.Join(o.skipList, ","))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it (shell.Quote).
func shellQuote(s string) string { return shell.Quote(s) }

// seedsText is "seeds A-B", or "seed A" for one.
func seedsText(r *fuzzRange) string {
	if r.First == r.Last {
		return "seed " + strconv.FormatUint(r.First, 10)
	}
	return fmt.Sprintf("seeds %d-%d", r.First, r.Last)
}

func (r *fuzzReport) writeTable(w io.Writer) error {
	if r.Provenance != nil {
		fmt.Fprintln(w, r.Provenance.Line())
	}
	if len(r.Invariants) > 0 {
		t := tablewriter.NewTable(w,
			tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: []tw.Align{
				tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignLeft, tw.AlignLeft}}),
			tablewriter.WithHeaderAutoFormat(tw.Off),
			// The detail is wrapped to keep the table within a wide
			// terminal; --format json has it on one line.
			tablewriter.WithColumnWidths(tw.Mapper[int, int]{4: fuzzDetailWidth}),
			tablewriter.WithRowAutoWrap(tw.WrapNormal))
		t.Header("INVARIANT", "SEEDS", "VIOLATIONS", "FIRST SEEDS", "FIRST DETAIL")
		for _, inv := range r.Invariants {
			first := make([]string, len(inv.FirstSeeds))
			for i, s := range inv.FirstSeeds {
				first[i] = strconv.FormatUint(s, 10)
			}
			list := strings.Join(first, ", ")
			if inv.Seeds > len(inv.FirstSeeds) {
				list += ", ..."
			}
			if err := t.Append([]string{inv.Invariant, strconv.Itoa(inv.Seeds), strconv.Itoa(inv.Violations), list, inv.FirstDetail}); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	var b strings.Builder
	switch r.Stopped {
	case "time-budget":
		fmt.Fprintf(&b, "stopped by the time budget (%s): ", r.budget)
	case "interrupt":
		b.WriteString("interrupted: ")
	}
	if r.Stopped != "" {
		fmt.Fprintf(&b, "%d of %d seeds run", r.SeedsRun, r.SeedsRequested)
	} else {
		fmt.Fprintf(&b, "%d seeds run", r.SeedsRun)
	}
	if r.Completed != nil {
		fmt.Fprintf(&b, " (%s", seedsText(r.Completed))
		if len(r.Beyond) > 0 {
			fmt.Fprintf(&b, ", and %d past a gap from seed %d", len(r.Beyond), r.Beyond[0])
		}
		b.WriteString(")")
	}
	if r.Swarm {
		b.WriteString(" in swarm mode")
	}
	fmt.Fprintf(&b, ", %d with violations; %.2fs wall time, %.1f seeds/s\n",
		r.SeedsWithViolations, r.Timing.WallSeconds, r.Timing.SeedsPerSecond)
	if r.SeedsWithViolations == 0 && len(r.Errors) == 0 && r.SeedsRun > 0 {
		b.WriteString("no invariant broke\n")
	}
	judged := strings.Join(r.Judged, ", ")
	if judged == "" {
		judged = "none"
	}
	fmt.Fprintf(&b, "invariants judged: %s", judged)
	if r.NotJudged != "" {
		fmt.Fprintf(&b, "; not judged: %s", r.NotJudged)
	}
	b.WriteString("\n")
	for i, e := range r.Errors {
		if i == 5 {
			fmt.Fprintf(&b, "... and %d more seeds that failed to run\n", len(r.Errors)-5)
			break
		}
		fmt.Fprintf(&b, "seed %d failed to run: %s\n", e.Seed, e.Error)
	}
	if r.Reproduce != "" {
		fmt.Fprintf(&b, "reproduce the first failing seed: %s --events log.jsonl\n", r.Reproduce)
	}
	if r.Shrunk != nil {
		r.Shrunk.write(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
