package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/htmlreport"
	"github.com/mesosim/mesosim/scenarios"
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
	baseline   string
	wide       bool
	report     string
}

// defaultTableMetrics are the comparison table's columns when --metrics
// is not given and --wide is not set (JSON and CSV carry every metric): the
// ones that tell the story in 120 columns.
var defaultTableMetrics = []string{"cpu_util", "mem_util", "jain", "wait_p95", "starvation_max", "offers",
	"role.wait_p95", "role.mean_dominant_share", "role.starvation", "role.cpu_util"}

func newCompareCmd() *cobra.Command {
	o := &compareOptions{}
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
				ovs := append(append([]scenarios.Override(nil), base.overrides...), scenarios.Override{Path: key, Value: val})
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
	row, seed int
	scenario  *scenarios.Scenario
}

func (o *compareOptions) run(cmd *cobra.Command, name string) error {
	switch o.format {
	case "table", "json", "csv":
	default:
		return badInput("--format: %q is not one of table, json, csv", o.format)
	}
	if o.seeds < 1 || o.seeds > maxCompareSeeds {
		return badInput("--seeds must be in [1, %d]", maxCompareSeeds)
	}
	if o.parallel < 1 {
		return badInput("--parallel must be at least 1")
	}
	if o.metrics != "" {
		if err := report.CheckMetrics(splitTopLevel(o.metrics)); err != nil {
			return badInput("--metrics: %v", err)
		}
	}
	allocs := splitTopLevel(o.allocators)
	for _, a := range allocs {
		if !slices.Contains(policies.AllocatorNames(), a) {
			return badInput("--allocators: unknown allocator %q (known: %s)", a, strings.Join(policies.AllocatorNames(), ", "))
		}
	}
	if o.baseline != "" && !slices.Contains(allocs, o.baseline) {
		return badInput("--baseline: %q is not among --allocators (%s)", o.baseline, strings.Join(allocs, ", "))
	}
	var base []scenarios.Override
	for _, s := range o.sets {
		ov, err := scenarios.ParseOverride(s)
		if err != nil {
			return badInput("--set: %v", err)
		}
		base = append(base, ov)
	}
	if o.duration != "" {
		base = append(base, scenarios.Override{Path: "duration", Value: o.duration})
	}
	vars, err := o.variants()
	if err != nil {
		return err
	}
	if n := len(vars) * len(allocs) * o.seeds; n > maxCompareRuns {
		return badInput("%d runs requested; at most %d", n, maxCompareRuns)
	}

	// Decode and validate every row's scenario before anything runs.
	type rowSpec struct {
		allocator, label string
		scenario         *scenarios.Scenario
	}
	var rows []rowSpec
	// Policy-major: for each allocator, one row per --vary combination.
	for _, a := range allocs {
		for _, v := range vars {
			ovs := append(append([]scenarios.Override(nil), base...), v.overrides...)
			sc, err := scenarios.OpenWith(name, ovs)
			if err != nil {
				return err
			}
			// The allocator is set on the decoded scenario: settings of
			// one policy (master.capacity) are simply unused by the others.
			sc.Master.Allocator = a
			if _, err := scenarios.Build(sc); err != nil {
				return err
			}
			rows = append(rows, rowSpec{allocator: a, label: v.label, scenario: sc})
		}
	}
	first := rows[0].scenario.Seed
	if cmd.Flags().Changed("seed-start") {
		first = o.seedStart
	}
	reportOut, err := openReport(o.report)
	if err != nil {
		return err
	}
	defer reportOut.abort()

	// Run every (row, seed) in parallel; results land in fixed slots, so the
	// output does not depend on the parallelism.
	results := make([][]*report.Result, len(rows))
	for i := range results {
		results[i] = make([]*report.Result, o.seeds)
	}
	jobs := make(chan compareJob)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	stderr := cmd.ErrOrStderr()
	prog := startProgress(stderr, isTerminal(stderr), "compare", "runs", int64(len(rows)*o.seeds), compareProgressText)
	for w := 0; w < o.parallel; w++ {
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
					continue
				}
				results[j.row][j.seed] = res
			}
		}()
	}
	for r, spec := range rows {
		for s := 0; s < o.seeds; s++ {
			sc := *spec.scenario
			sc.Seed = first + uint64(s)
			jobs <- compareJob{row: r, seed: s, scenario: &sc}
		}
	}
	close(jobs)
	wg.Wait()
	prog.finish()
	if firstErr != nil {
		return firstErr
	}
	cmp := &report.Comparison{SeedStart: first}
	for r, spec := range rows {
		cmp.Rows = append(cmp.Rows, report.Summarize(spec.allocator, spec.label, results[r]))
	}
	if o.baseline != "" {
		if err := cmp.Pair(o.baseline); err != nil {
			return badInput("--baseline: %v", err)
		}
	}
	prov, text, err := compareProvenance(name, base, rows[0].scenario, allocs, first, o.seeds)
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
	if reportOut != nil {
		doc, err := htmlreport.CompareDoc(&shown, "mesosim compare: "+rows[0].scenario.Name, firstComment(string(text)))
		if err == nil {
			err = doc.Write(reportOut.w)
		}
		if err != nil {
			return fmt.Errorf("--report: %w", err)
		}
		if err := reportOut.commit(); err != nil {
			return err
		}
	}
	w := cmd.OutOrStdout()
	switch o.format {
	case "json":
		return cmp.WriteJSON(w)
	case "csv":
		return cmp.WriteCSV(w)
	}
	if err := cmp.WriteTable(w); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%d seeds from %d per row; mean and 95%% confidence interval over seeds; - no data\n", o.seeds, first)
	return err
}

// compareProvenance names a comparison: the scenario text with the
// overrides every row shares, the allocators, the seed range.
func compareProvenance(name string, base []scenarios.Override, sc *scenarios.Scenario, allocs []string, first uint64, seeds int) (*report.Provenance, []byte, error) {
	text, err := scenarios.ResolvedText(name, base)
	if err != nil {
		return nil, nil, err
	}
	p := report.NewProvenance(text, version)
	p.Scenario, p.Seed, p.Allocator = sc.Name, first, strings.Join(allocs, ",")
	p.Seeds = fmt.Sprintf("%d-%d", first, first+uint64(seeds)-1)
	for _, ov := range base {
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
	return sum.Finish(sc.Duration), nil
}
