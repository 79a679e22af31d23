package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/plots"
)

type plotOptions struct {
	metric string
	by     string
	names  string
	out    string
	title  string
}

func newPlotCmd() *cobra.Command {
	o := &plotOptions{}
	cmd := &cobra.Command{
		Use:   "plot SERIES.csv",
		Short: "Draw one metric of a saved time series (run --series) as SVG or PNG",
		Long: `Draw one metric of a time series written by "mesosim run --series FILE.csv"
(plain or gzip) over time, one line per entity of the --by scope, to an SVG
or PNG file (by the -o name).`,
		Args: checkArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	f := cmd.Flags()
	f.StringVar(&o.metric, "metric", "", "the metric to draw, e.g. dominant_share, util_cpus (docs/series.md)")
	f.StringVar(&o.by, "by", "role", "one line per entity of this scope: cluster, role, framework or pool")
	f.StringVar(&o.names, "names", "", "comma-separated entities to draw (default: all, at most 12)")
	f.StringVarP(&o.out, "output", "o", "", "the file to write: FILE.svg or FILE.png")
	f.StringVar(&o.title, "title", "", "the figure's title (default: METRIC by SCOPE)")
	return cmd
}

func (o *plotOptions) run(cmd *cobra.Command, path string) error {
	if o.metric == "" {
		return badInput("--metric is required (see docs/series.md)")
	}
	switch o.by {
	case report.ScopeCluster, report.ScopeRole, report.ScopeFramework, report.ScopePool:
	default:
		return badInput("--by: %q is not one of cluster, role, framework, pool", o.by)
	}
	format := strings.TrimPrefix(filepath.Ext(o.out), ".")
	if o.out == "" || (format != "svg" && format != "png") {
		return badInput("-o: want FILE.svg or FILE.png, got %q", o.out)
	}
	rows, err := readSeries(path)
	if err != nil {
		return err
	}
	var names []string
	if o.names != "" {
		names = strings.Split(o.names, ",")
	}
	title := o.title
	if title == "" {
		title = o.metric + " by " + o.by
	}
	p, left, err := plots.SeriesLines(rows, o.by, o.metric, names, title, o.metric)
	if err != nil {
		return badInput("%s: %v (metrics of scope %s: %s)", path, err, o.by, strings.Join(metricsOf(rows, o.by), ", "))
	}
	if len(left) > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "plot: %d %s entities not drawn (at most %d; choose with --names): %s\n",
			len(left), o.by, plots.MaxLines, strings.Join(left, ", "))
	}
	b, err := plots.Render(p, format, 0, 0)
	if err != nil {
		return err
	}
	out, err := openStream("-o", o.out, nil, []string{path})
	if err != nil {
		return err
	}
	defer out.abort()
	if _, err := out.w.Write(b); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	if err := out.commit(); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	return nil
}

// readSeries reads a series CSV, plain or gzip (sniffed by its magic
// bytes). A file that cannot be read or parsed is bad input.
func readSeries(path string) ([]report.SeriesRow, error) {
	r, err := openInput(path)
	if err != nil {
		return nil, badInput("%v", err)
	}
	defer r.Close()
	rows, err := report.ReadSeriesCSV(r, path)
	if err != nil {
		return nil, badInput("%v", err)
	}
	return rows, nil
}

// metricsOf lists the metrics of scope in rows, in order of first
// appearance.
func metricsOf(rows []report.SeriesRow, scope string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rows {
		if r.Scope == scope && !seen[r.Metric] {
			seen[r.Metric] = true
			out = append(out, r.Metric)
		}
	}
	return out
}
