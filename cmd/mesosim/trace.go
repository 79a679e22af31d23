package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
	"github.com/mesosim/mesosim/traces"
)

func newTraceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trace",
		Short: "Look at and convert workload traces (Google 2011, Alibaba, SWF, native JSONL)",
		Args:  checkArgs(cobra.NoArgs),
	}
	cmd.AddCommand(newTraceInspectCmd(), newTraceConvertCmd())
	return cmd
}

type traceFlags struct {
	skipBad   bool
	lookahead string
	maxRows   int64
	runs      string
}

func (f *traceFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.skipBad, "skip-bad-rows", false, "count and report malformed rows instead of stopping at the first")
	cmd.Flags().StringVar(&f.lookahead, "lookahead", "", "how far past a task's start to look for its end (default 6h)")
	cmd.Flags().Int64Var(&f.maxRows, "max-rows", 0, "stop after that many data rows (0: all)")
	cmd.Flags().StringVar(&f.runs, "runs", "all", "runs of a resubmitted task (Google) to read: all (each its own task) or first")
}

func (f *traceFlags) open(files []string) (traces.Reader, string, error) {
	opt := traces.Options{SkipBadRows: f.skipBad, MaxRows: f.maxRows}
	if f.lookahead != "" {
		d, err := parseDurationFlag("--lookahead", f.lookahead)
		if err != nil {
			return nil, "", err
		}
		opt.Lookahead = d
	}
	if f.runs != "all" && f.runs != "first" {
		return nil, "", badInput("--runs: %q is not one of all, first", f.runs)
	}
	opt.FirstRunOnly = f.runs == "first"
	if f.maxRows < 0 {
		return nil, "", badInput("--max-rows must not be negative")
	}
	r, format, err := traces.Open(files, opt)
	if err != nil {
		return nil, "", inputError{err}
	}
	return r, format, nil
}

// traceErr marks malformed rows as bad input (status 2).
// checkTraceFiles looks at the trace files of sc before any run (see
// traces.Check): every one readable, its gzip stream sound and its first
// rows parsed (with deep, all of it). Any error is bad input.
func checkTraceFiles(sc *scenarios.Scenario, deep bool) error {
	if sc.Trace == nil {
		return nil
	}
	opt := traces.Options{SkipBadRows: sc.Trace.SkipBadRows, Lookahead: sc.Trace.Lookahead}
	if err := traces.Check(sc.Trace.Files, opt, deep); err != nil {
		return inputError{err}
	}
	return nil
}

func traceErr(err error) error {
	if traces.IsInputError(err) {
		return inputError{err}
	}
	return err
}

func newTraceInspectCmd() *cobra.Command {
	var flags traceFlags
	var format string
	cmd := &cobra.Command{
		Use:   "inspect FILE...",
		Short: "Profile a trace: rows, time span, jobs, tasks, event counts, request distributions, malformed rows",
		Long: `Profile a trace read as one stream (several files in the order given).
The format is recognised from the file names and contents. See docs/traces.md.`,
		Args: checkArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return badInput("--format: %q is not one of table, json", format)
			}
			r, kind, err := flags.open(args)
			if err != nil {
				return err
			}
			defer r.Close()
			p, err := traces.Inspect(r, kind)
			if err != nil {
				return traceErr(err)
			}
			w := cmd.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(p)
			}
			return writeProfile(w, p)
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

func writeProfile(w interface{ Write([]byte) (int, error) }, p *traces.Profile) error {
	t := tablewriter.NewWriter(w)
	t.Header("what", "value")
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	rows := [][]string{
		{"format", p.Format},
		{"units", "cpu " + p.Units.CPU + ", mem " + p.Units.Mem},
		{"rows", i64(p.Rows)},
		{"tasks", i64(p.Tasks)},
		{"runs", i64(p.Runs)},
		{"reruns", i64(p.Reruns)},
		{"jobs", i64(p.Jobs)},
		{"running at start", i64(p.Running)},
		{"without an end", i64(p.Unended)},
		{"first submit", p.First.String()},
		{"last submit", p.Last.String()},
		{"malformed rows", i64(p.Bad)},
		{"reordered rows", i64(p.Reordered)},
		{"dropped rows", i64(p.Dropped)},
	}
	for _, k := range sortedKeys(p.Events) {
		rows = append(rows, []string{"rows " + k, i64(p.Events[k])})
	}
	for _, k := range sortedKeys(p.Ends) {
		rows = append(rows, []string{"ended " + k, i64(p.Ends[k])})
	}
	spread := func(name string, s traces.Spread) []string {
		return []string{name, fmt.Sprintf("min %.4g p50 %.4g p95 %.4g p99 %.4g max %.4g mean %.4g (n %d)", s.Min, s.P50, s.P95, s.P99, s.Max, s.Mean, s.N)}
	}
	rows = append(rows, spread("cpu request", p.CPU), spread("mem request", p.Mem), spread("duration (s)", p.DurationS))
	for _, r := range rows {
		if err := t.Append(r); err != nil {
			return err
		}
	}
	return t.Render()
}

func sortedKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func newTraceConvertCmd() *cobra.Command {
	var flags traceFlags
	var to, out string
	var cores, mb float64
	cmd := &cobra.Command{
		Use:   "convert FILE... --to native [--out FILE]",
		Short: "Convert a trace into mesosim's native JSONL (docs/traces.md)",
		Args:  checkArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to != "native" {
				return badInput("--to: %q is not supported (only native)", to)
			}
			if !(cores > 0 && cores <= 1e6) || !(mb > 0 && mb <= 1e9) {
				return badInput("--cpus and --mem must be positive (at most 1e6 cores and 1e9 MB)")
			}
			r, _, err := flags.open(args)
			if err != nil {
				return err
			}
			defer r.Close()
			conv, err := traces.NativeConvUnits(r.Units(), cores, mb, nil)
			if err != nil {
				return badInput("%v", err)
			}
			if out == "" || out == "-" {
				bw := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
				if err := traces.WriteNative(bw, r, conv); err != nil {
					return traceErr(err)
				}
				return bw.Flush()
			}
			// Written to a temporary file, renamed into place on success
			// (a device or FIFO directly).
			f, err := createOutput("--out", out, args)
			if err != nil {
				return err
			}
			defer f.Abort()
			defer exitOnStop(cmd.ErrOrStderr(), "trace convert")()
			bw := bufio.NewWriterSize(f, 1<<20)
			if err := traces.WriteNative(bw, r, conv); err != nil {
				return traceErr(err)
			}
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("--out: %w", err)
			}
			if err := f.Commit(); err != nil {
				return fmt.Errorf("--out: %w", err)
			}
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&to, "to", "native", "target format (native)")
	cmd.Flags().StringVar(&out, "out", "", "output file (default stdout)")
	cmd.Flags().Float64Var(&cores, "cpus", 32, "cores that a normalised CPU request of 1.0 stands for (the largest machine)")
	cmd.Flags().Float64Var(&mb, "mem", 65536, "MB that a normalised memory request of 1.0 stands for (the largest machine)")
	return cmd
}

// parseDurationFlag parses a positive Go duration given to flag.
func parseDurationFlag(flag, v string) (sim.Time, error) {
	d, err := sim.ParseDuration(v)
	if err != nil {
		return 0, badInput("%s: %v", flag, err)
	}
	if d <= 0 {
		return 0, badInput("%s: %s must be positive", flag, v)
	}
	return d, nil
}
