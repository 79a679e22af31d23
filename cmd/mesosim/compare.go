package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/report"
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
}

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
	f.StringVar(&o.metrics, "metrics", "", "comma-separated metrics to show (default: all; see docs/compare.md)")
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
	if err := checkSeeds(o.seeds, maxCompareSeeds, 0, "--seed-start"); err != nil {
		return err
	}
	if err := checkParallel(o.parallel); err != nil {
		return err
	}
	if o.metrics != "" {
		if err := (&report.Comparison{}).Keep(splitTopLevel(o.metrics)); err != nil {
			return badInput("--metrics: %v", err)
		}
	}
	allocs := splitTopLevel(o.allocators)
	for _, a := range allocs {
		if !slices.Contains(policies.AllocatorNames(), a) {
			return badInput("--allocators: unknown allocator %q (known: %s)", a, strings.Join(policies.AllocatorNames(), ", "))
		}
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
			if a == allocs[0] {
				if err := checkTraceFiles(sc, false); err != nil {
					return err
				}
			}
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
	if err := checkSeeds(o.seeds, maxCompareSeeds, first, seedSource(cmd.Flags().Changed("seed-start"))); err != nil {
		return err
	}

	// Run every (row, seed) in parallel; results land in fixed slots, so the
	// output does not depend on the parallelism. Seed-major, so that rows
	// cut short by a stop signal have run about as many seeds each.
	results := make([][]*report.Result, len(rows))
	for i := range results {
		results[i] = make([]*report.Result, o.seeds)
	}
	sigc := make(chan os.Signal, 1)
	notifyStop(sigc)
	defer stopNotify(sigc)
	var sig os.Signal
	jobs := make(chan compareJob)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	var failed atomic.Bool
	for w := 0; w < o.parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				res, err := runOnce(j.scenario)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					failed.Store(true)
					continue
				}
				results[j.row][j.seed] = res
			}
		}()
	}
	runs, total := 0, len(rows)*o.seeds
dispatch:
	for s := 0; s < o.seeds; s++ {
		for r, spec := range rows {
			if failed.Load() {
				break dispatch // a failed run ends the command: start no more
			}
			sc := *spec.scenario
			sc.Seed = first + uint64(s)
			select {
			case sig = <-sigc:
				break dispatch
			default:
			}
			select {
			case jobs <- compareJob{row: r, seed: s, scenario: &sc}:
				runs++
			case sig = <-sigc:
				break dispatch
			}
		}
	}
	close(jobs)
	if sig != nil {
		stopNotify(sigc) // a second signal ends the process at once
		fmt.Fprintf(cmd.ErrOrStderr(), "compare: interrupted by %s: finishing the runs in progress (again to quit now)\n", signalName(sig))
	}
	wg.Wait()
	if firstErr != nil {
		return traceErr(firstErr)
	}
	cmp := &report.Comparison{}
	if sig != nil {
		cmp.Interrupted = signalName(sig)
	}
	for r, spec := range rows {
		var ran []*report.Result
		for _, res := range results[r] {
			if res != nil {
				ran = append(ran, res)
			}
		}
		cmp.Rows = append(cmp.Rows, report.Summarize(spec.allocator, spec.label, ran))
	}
	if o.metrics != "" {
		if err := cmp.Keep(splitTopLevel(o.metrics)); err != nil {
			return badInput("--metrics: %v", err)
		}
	}
	w := cmd.OutOrStdout()
	switch o.format {
	case "json":
		err = cmp.WriteJSON(w)
	case "csv":
		err = cmp.WriteCSV(w)
	default:
		if err = cmp.WriteTable(w); err == nil {
			_, err = fmt.Fprintf(w, "%d seeds from %d per row; mean and 95%% confidence interval over seeds\n", o.seeds, first)
		}
		if err == nil && sig != nil {
			_, err = fmt.Fprintf(w, "interrupted by %s: incomplete, %d of %d runs done (the SEEDS column says how many per row)\n", signalName(sig), runs, total)
		}
	}
	if err != nil {
		return err
	}
	if sig != nil {
		return interruptedError{sig: sig, what: fmt.Sprintf("%d of %d runs done", runs, total)}
	}
	return nil
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
