package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/htmlreport"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sweep"
)

// Limits of one compare command.
const (
	maxCompareSeeds = 10_000
	maxCompareRuns  = 100_000
)

type compareOptions struct {
	allocators string
	seeds      int
	seedStart  uint64
	sets       []string
	varies     []string
	format     string
	parallel   int
	duration   string
	metrics    string
	shard      shardOptions
	baseline   string
	wide       bool
	report     string
}

// defaultTableMetrics are the comparison table's columns when --metrics
// is not given and --wide is not set (JSON and CSV carry every metric): the
// ones that tell the story in 120 columns.
var defaultTableMetrics = []string{"cpu_util", "mem_util", "jain", "wait_p95", "starvation_max", "offers",
	"role.wait_p95", "role.mean_dominant_share", "role.starvation", "role.cpu_util"}

func newCompareCmd() *cobra.Command { return compareCommand(&compareOptions{}) }

// compareCommand is the compare command, its flags parsed into o.
func compareCommand(o *compareOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compare SCENARIO.yaml|NAME",
		Short: "Run one scenario under several allocators and seeds, side by side",
		Long: `Run a scenario under each allocator with the same seeds (the same
arrivals and the same random draws outside the allocator) and print one
row per allocator (and per --vary value) with the mean and a 95% confidence
interval over seeds of each metric. Runs go in parallel across cores; the
output is the same whatever the parallelism.`,
		Args: checkArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	f := cmd.Flags()
	f.StringVar(&o.allocators, "allocators", strings.Join(policies.AllocatorNames(), ","), "comma-separated allocators to compare")
	f.IntVar(&o.seeds, "seeds", 5, "seeds per row")
	f.Uint64Var(&o.seedStart, "seed-start", 0, "first seed (default: the scenario's seed)")
	f.StringArrayVar(&o.sets, "set", nil, "override a scenario value by path, KEY=VALUE (repeatable)")
	f.StringArrayVar(&o.varies, "vary", nil, "one row per value, KEY=V1,V2,... (repeatable: all combinations)")
	f.StringVar(&o.format, "format", "table", "output format: table, json or csv")
	f.IntVar(&o.parallel, "parallel", runtime.GOMAXPROCS(0), "simulations run at once")
	f.StringVar(&o.duration, "duration", "", "override the scenario's duration (a Go duration)")
	f.StringVar(&o.metrics, "metrics", "", "comma-separated metrics to show, in this order: cluster metrics, role.NAME, role.NAME@ROLE (default: all; the table a few; see docs/compare.md)")
	f.StringVar(&o.baseline, "baseline", "", "give every other policy's paired difference to this allocator on the same seeds (mean, 95% CI, Wilcoxon signed-rank p)")
	f.BoolVar(&o.wide, "wide", false, "table: show every metric, not the default few")
	f.StringVar(&o.report, "report", "", "write a one-file HTML report (per metric each policy's mean and 95% CI as a chart, the paired differences) to FILE")
	o.shard.register(f)
	return cmd
}

// variant is one combination of --vary values.
type variant struct {
	label     string
	overrides []scenarios.Override
}

func (o *compareOptions) variants() ([]variant, error) {
	out := []variant{{}}
	for _, v := range o.varies {
		key, list, ok := strings.Cut(v, "=")
		if !ok || key == "" || list == "" {
			return nil, badInput("--vary %q: want KEY=V1,V2,...", v)
		}
		values := splitTopLevel(list)
		var next []variant
		for _, base := range out {
			for _, val := range values {
				label := key + "=" + val
				if base.label != "" {
					label = base.label + " " + label
				}
				ovs := append(append([]scenarios.Override(nil), base.overrides...), scenarios.Override{Path: key, Value: val, Flag: "--vary"})
				next = append(next, variant{label: label, overrides: ovs})
			}
		}
		out = next
	}
	return out, nil
}

// splitTopLevel splits on commas that are not inside {} or [].
func splitTopLevel(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

type compareJob struct {
	cell     int
	scenario *scenarios.Scenario
}

// compareRow is one row of a comparison: an allocator under one --vary
// combination, with its decoded scenario.
type compareRow struct {
	allocator, label string
	scenario         *scenarios.Scenario
}

// compareSweep is a compare command resolved from its flags and scenario:
// its rows, its seeds, and so its cells, row-major (cell c is row
// c / seeds, seed first + c % seeds).
type compareSweep struct {
	o     *compareOptions
	rows  []compareRow
	first uint64
	spec  sweep.Spec
	// file and data are the scenario's file name and text, base the
	// overrides every row shares, allocs the allocators compared: what
	// the provenance names.
	file   string
	data   []byte
	base   []scenarios.Override
	allocs []string
	// reportOut is the --report file (nil: none), opened before anything
	// runs.
	reportOut *streamOut
}

func (s *compareSweep) cells() int { return len(s.rows) * s.o.seeds }

// describe names cell c, for errors.
func (s *compareSweep) describe(c int) string {
	r := s.rows[c/s.o.seeds]
	d := "allocator " + r.allocator
	if r.label != "" {
		d += ", " + r.label
	}
	return fmt.Sprintf("%s, seed %d", d, s.first+uint64(c%s.o.seeds))
}

func (o *compareOptions) run(cmd *cobra.Command, name string) error {
	if err := o.shard.check(); err != nil {
		return err
	}
	if o.shard.sharded() && o.report != "" {
		return badInput("--report cannot be used with --shard or --out: a part holds no report")
	}
	file, data, err := scenarios.Source(name)
	if err != nil {
		return err
	}
	s, err := o.resolve(cmd, file, data, o.shard.shard.Count, true)
	if err != nil {
		return err
	}
	var part *partOutput
	if o.shard.sharded() {
		// Created now, so that a bad --out fails before anything runs.
		if part, err = o.shard.create(scenarioInputs(s.rows[0].scenario)); err != nil {
			return err
		}
		defer part.abort()
	}
	// Opened now, so that a bad --report fails before anything runs.
	if s.reportOut, err = openReport(o.report, scenarioInputs(s.rows[0].scenario)); err != nil {
		return err
	}
	defer s.reportOut.abort()
	start := time.Now()
	cells := o.shard.shard.Cells(s.cells())
	got, sig, err := s.runCells(cmd, cells)
	if err != nil {
		return traceErr(err)
	}
	if part != nil {
		if sig != nil {
			return interruptedError{sig: sig, what: "part " + o.shard.out + " not written"}
		}
		p := newPart("compare", recordedArgs(cmd, name), file, data, s.spec, o.shard.shard, s.cells())
		p.WallSeconds = time.Since(start).Seconds()
		for i, c := range cells {
			if err := addCell(p, c, got[i]); err != nil {
				return err
			}
		}
		return part.commit(cmd, p)
	}
	results := make([]*report.Result, s.cells())
	for i, c := range cells {
		results[c] = got[i]
	}
	return s.write(cmd.OutOrStdout(), results, sig)
}

// resolve checks every flag and decodes every row's scenario from the
// scenario's file name and text, before anything runs; with build it also
// checks the trace files and builds each row (merge, which runs nothing,
// does neither). shards is the shard count, part of the sweep's
// fingerprint.
func (o *compareOptions) resolve(cmd *cobra.Command, file string, data []byte, shards int, build bool) (*compareSweep, error) {
	switch o.format {
	case "table", "json", "csv":
	default:
		return nil, badInput("--format: %q is not one of table, json, csv", o.format)
	}
	if err := checkSeeds(o.seeds, maxCompareSeeds, 0, "--seed-start"); err != nil {
		return nil, err
	}
	if err := checkParallel(o.parallel); err != nil {
		return nil, err
	}
	if o.metrics != "" {
		if err := report.CheckMetrics(splitTopLevel(o.metrics)); err != nil {
			return nil, badInput("--metrics: %v", err)
		}
	}
	allocs := splitTopLevel(o.allocators)
	for _, a := range allocs {
		if !slices.Contains(policies.AllocatorNames(), a) {
			return nil, badInput("--allocators: unknown allocator %q (known: %s)", a, strings.Join(policies.AllocatorNames(), ", "))
		}
	}
	if o.baseline != "" && !slices.Contains(allocs, o.baseline) {
		return nil, badInput("--baseline: %q is not among --allocators (%s)", o.baseline, strings.Join(allocs, ", "))
	}
	var base []scenarios.Override
	for _, s := range o.sets {
		ov, err := scenarios.ParseOverride(s)
		if err != nil {
			return nil, badInput("--set: %v", err)
		}
		base = append(base, ov)
	}
	if o.duration != "" {
		base = append(base, scenarios.Override{Path: "duration", Value: o.duration, Flag: "--duration"})
	}
	vars, err := o.variants()
	if err != nil {
		return nil, err
	}
	if n := len(vars) * len(allocs) * o.seeds; n > maxCompareRuns {
		return nil, badInput("%d runs requested; at most %d", n, maxCompareRuns)
	}

	s := &compareSweep{o: o, file: file, data: data, base: base, allocs: allocs}
	// Policy-major: for each allocator, one row per --vary combination.
	for _, a := range allocs {
		for _, v := range vars {
			ovs := append(append([]scenarios.Override(nil), base...), v.overrides...)
			sc, err := scenarios.ParseWith(file, data, ovs)
			if err != nil {
				return nil, err
			}
			// The allocator is set on the decoded scenario: settings of
			// one policy (master.capacity) are simply unused by the others.
			sc.Master.Allocator = a
			if build {
				if a == allocs[0] {
					if err := checkTraceFiles(sc, false); err != nil {
						return nil, err
					}
				}
				if _, err := scenarios.Build(sc); err != nil {
					return nil, err
				}
			}
			s.rows = append(s.rows, compareRow{allocator: a, label: v.label, scenario: sc})
		}
	}
	s.first = s.rows[0].scenario.Seed
	if cmd.Flags().Changed("seed-start") {
		s.first = o.seedStart
	}
	if err := checkSeeds(o.seeds, maxCompareSeeds, s.first, seedSource(cmd.Flags().Changed("seed-start"))); err != nil {
		return nil, err
	}
	s.spec = sweep.Spec{Command: "compare", Scenario: string(data), Allocators: allocs, Sets: o.sets,
		Varies: o.varies, Seeds: o.seeds, SeedStart: s.first, Duration: o.duration, Shards: shards}
	return s, nil
}

// runCells runs the given cells in parallel and returns their results in
// the same order (nil for a cell a stop signal kept from starting), and
// the stop signal received, if any. Results land in fixed slots, so they
// do not depend on the parallelism. The cells are started seed-major, so
// that rows cut short by a stop signal have run about as many seeds each.
// A failed run starts no more and is the error returned.
func (s *compareSweep) runCells(cmd *cobra.Command, cells []int) ([]*report.Result, os.Signal, error) {
	order := make([]int, len(cells)) // positions in cells, seed-major
	for i := range order {
		order[i] = i
	}
	seeds := s.o.seeds
	slices.SortStableFunc(order, func(a, b int) int { return cells[a]%seeds - cells[b]%seeds })

	results := make([]*report.Result, len(cells))
	sigc := make(chan os.Signal, 1)
	notifyStop(sigc)
	defer stopNotify(sigc)
	var sig os.Signal
	jobs := make(chan compareJob)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	var failed atomic.Bool
	stderr := cmd.ErrOrStderr()
	prog := startProgress(stderr, isTerminal(stderr), "compare", "runs", int64(len(cells)), compareProgressText)
	for w := 0; w < min(s.o.parallel, max(len(cells), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				res, err := runOnce(j.scenario)
				prog.done.Add(1)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					failed.Store(true)
					continue
				}
				results[j.cell] = res
			}
		}()
	}
	runs := 0
dispatch:
	for _, i := range order {
		if failed.Load() {
			break // a failed run ends the command: start no more
		}
		c := cells[i]
		sc := *s.rows[c/seeds].scenario
		sc.Seed = s.first + uint64(c%seeds)
		select {
		case sig = <-sigc:
			break dispatch
		default:
		}
		select {
		case jobs <- compareJob{cell: i, scenario: &sc}:
			runs++
		case sig = <-sigc:
			break dispatch
		}
	}
	close(jobs)
	if sig != nil {
		stopNotify(sigc) // a second signal ends the process at once
		fmt.Fprintf(cmd.ErrOrStderr(), "compare: interrupted by %s: finishing the runs in progress (again to quit now)\n", signalName(sig))
	}
	wg.Wait()
	prog.finish()
	return results, sig, firstErr
}

// write prints the comparison of every cell's result (results[c] for
// cell c; nil for a cell that did not run) in --format, and returns the
// error that gives the exit status. sig is the stop signal that cut the
// runs short, if any. It is compare's only renderer: `mesosim compare`
// and `mesosim merge` of compare parts both print through it.
func (s *compareSweep) write(w io.Writer, results []*report.Result, sig os.Signal) error {
	o := s.o
	cmp := &report.Comparison{SeedStart: s.first}
	if sig != nil {
		cmp.Interrupted = signalName(sig)
	}
	runs := 0
	for r, spec := range s.rows {
		var ran []*report.Result
		for _, res := range results[r*o.seeds : (r+1)*o.seeds] {
			if res != nil {
				ran = append(ran, res)
			}
		}
		runs += len(ran)
		cmp.Rows = append(cmp.Rows, report.Summarize(spec.allocator, spec.label, ran))
	}
	if o.baseline != "" {
		if err := cmp.Pair(o.baseline); err != nil {
			return badInput("--baseline: %v", err)
		}
	}
	prov, text, err := s.provenance()
	if err != nil {
		return err
	}
	cmp.Provenance = prov
	shown := *cmp // what the table and the report show
	shown.Rows = slices.Clone(cmp.Rows)
	switch {
	case o.metrics != "":
		if err := cmp.Keep(splitTopLevel(o.metrics)); err != nil {
			return badInput("--metrics: %v", err)
		}
		shown = *cmp
	case !o.wide:
		if err := shown.Keep(defaultTableMetrics); err != nil {
			return err
		}
	}
	if o.format == "table" {
		cmp = &shown
	}
	if s.reportOut != nil {
		doc, err := htmlreport.CompareDoc(&shown, "mesosim compare: "+s.rows[0].scenario.Name, firstComment(string(text)))
		if err == nil {
			err = doc.Write(s.reportOut.w)
		}
		if err == nil {
			err = s.reportOut.commit()
		}
		if err != nil {
			return fmt.Errorf("--report: %w", err)
		}
	}
	switch o.format {
	case "json":
		err = cmp.WriteJSON(w)
	case "csv":
		err = cmp.WriteCSV(w)
	default:
		if err = cmp.WriteTable(w); err == nil {
			_, err = fmt.Fprintf(w, "%d seeds from %d per row; mean and 95%% confidence interval over seeds; - no data\n", o.seeds, s.first)
		}
		if err == nil && sig != nil {
			_, err = fmt.Fprintf(w, "interrupted by %s: incomplete, %d of %d runs done (the SEEDS column says how many per row)\n", signalName(sig), runs, len(results))
		}
	}
	if err != nil {
		return err
	}
	if sig != nil {
		return interruptedError{sig: sig, what: fmt.Sprintf("%d of %d runs done", runs, len(results))}
	}
	return nil
}

// provenance names a comparison: the scenario text the sweep holds with
// the overrides every row shares, the allocators, the seed range. It
// hashes the stored text (s.data), not the file again, so that a merge of
// parts on another machine names the same scenario.
func (s *compareSweep) provenance() (*report.Provenance, []byte, error) {
	text, err := scenarios.ResolvedData(s.file, s.data, s.base)
	if err != nil {
		return nil, nil, err
	}
	sc := s.rows[0].scenario
	p := report.NewProvenance(text, version)
	p.Scenario, p.Seed, p.Allocator = sc.Name, s.first, strings.Join(s.allocs, ",")
	p.Seeds = fmt.Sprintf("%d-%d", s.first, s.first+uint64(s.o.seeds)-1)
	for _, ov := range s.base {
		p.Overrides = append(p.Overrides, ov.String())
	}
	p.Duration = sc.Duration.String()
	return p, text, nil
}

// runOnce runs one scenario (a private copy) and returns its summary.
func runOnce(sc *scenarios.Scenario) (*report.Result, error) {
	s, err := scenarios.Build(sc)
	if err != nil {
		return nil, err
	}
	sum := report.NewSummary(summaryConfig(sc))
	s.World.Observe(sum)
	s.Run()
	if err := s.Err(); err != nil {
		return nil, err // a malformed trace row met mid-run: no summary
	}
	return sum.Finish(sc.Duration), nil
}
