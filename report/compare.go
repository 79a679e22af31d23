package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// A Comparison is the output of `mesosim compare`: one row per (policy,
// variant), each metric's mean over seeds with a 95% confidence interval.
// docs/compare.md describes the formats.
type Comparison struct {
	Rows []CompareRow `json:"rows"`
	// Interrupted is the stop signal (SIGINT, SIGTERM) that cut the
	// comparison short, if one did: the rows then cover fewer seeds than
	// asked for (each row's Seeds says how many).
	Interrupted string `json:"interrupted,omitempty"`
}

// CompareRow is one policy under one variant over several seeds.
type CompareRow struct {
	Allocator string `json:"allocator"`
	// Variant is the --vary setting of the row, as KEY=VALUE (e.g.
	// "frameworks.service.think_time=10s"); "" when none.
	Variant string `json:"variant"`
	Seeds   int    `json:"seeds"`
	// Metrics are in CompareMetricNames order.
	Metrics []Stat `json:"metrics"`
}

// Stat is one metric over seeds: the mean and the 95% confidence interval
// of the mean, [Low, High], from Student's t distribution with n-1 degrees
// of freedom. With one seed Low = High = Mean; with none all are 0.
type Stat struct {
	Name string  `json:"name"`
	Mean float64 `json:"mean"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// HalfWidth is half the confidence interval's width.
func (s Stat) HalfWidth() float64 { return (s.High - s.Low) / 2 }

// Metric returns the row's metric called name.
func (r *CompareRow) Metric(name string) (Stat, bool) {
	for _, m := range r.Metrics {
		if m.Name == name {
			return m, true
		}
	}
	return Stat{}, false
}

type metricKind int

const (
	kindPercent  metricKind = iota // a fraction, shown as a percentage
	kindFraction                   // a fraction, shown with 3 decimals
	kindSeconds
	kindCount
)

// compareMetric is one column of a comparison: a cluster-level value of a
// Result.
type compareMetric struct {
	name  string
	kind  metricKind
	value func(c *ClusterRow) float64
}

var compareMetrics = []compareMetric{
	{"cpu_util", kindPercent, func(c *ClusterRow) float64 { return c.CPUUtil }},
	{"mem_util", kindPercent, func(c *ClusterRow) float64 { return c.MemUtil }},
	{"locked_cpus", kindPercent, func(c *ClusterRow) float64 { return c.LockedCPUs }},
	{"locked_mem", kindPercent, func(c *ClusterRow) float64 { return c.LockedMem }},
	{"jain", kindFraction, func(c *ClusterRow) float64 { return c.Jain }},
	{"wait_p50", kindSeconds, func(c *ClusterRow) float64 { return c.WaitP50 }},
	{"wait_p95", kindSeconds, func(c *ClusterRow) float64 { return c.WaitP95 }},
	{"wait_p99", kindSeconds, func(c *ClusterRow) float64 { return c.WaitP99 }},
	{"job_p50", kindSeconds, func(c *ClusterRow) float64 { return c.JobP50 }},
	{"job_p99", kindSeconds, func(c *ClusterRow) float64 { return c.JobP99 }},
	{"starvation_max", kindSeconds, func(c *ClusterRow) float64 { return c.StarvationMax }},
	{"offers", kindCount, func(c *ClusterRow) float64 { return float64(c.Offers) }},
	{"declined", kindCount, func(c *ClusterRow) float64 { return float64(c.Declined) }},
	{"rescinded", kindCount, func(c *ClusterRow) float64 { return float64(c.Rescinded) }},
	{"cycles", kindCount, func(c *ClusterRow) float64 { return float64(c.Cycles) }},
	{"tasks_launched", kindCount, func(c *ClusterRow) float64 { return float64(c.TasksLaunched) }},
}

// CompareMetricNames returns the metrics of a comparison, in column order.
// Each is the cluster row's field of the same JSON name (docs/summary.md).
func CompareMetricNames() []string {
	out := make([]string, len(compareMetrics))
	for i, m := range compareMetrics {
		out[i] = m.name
	}
	return out
}

// Keep restricts every row to the named metrics, in the order of
// CompareMetricNames; an unknown name is an error.
func (c *Comparison) Keep(names []string) error {
	known := CompareMetricNames()
	want := map[string]bool{}
	for _, n := range names {
		if !slices.Contains(known, n) {
			return fmt.Errorf("unknown metric %q (known: %s)", n, strings.Join(known, ", "))
		}
		want[n] = true
	}
	for i := range c.Rows {
		kept := c.Rows[i].Metrics[:0]
		for _, st := range c.Rows[i].Metrics {
			if want[st.Name] {
				kept = append(kept, st)
			}
		}
		c.Rows[i].Metrics = kept
	}
	return nil
}

// Summarize reduces the results of one policy and variant, one per seed in
// seed order, to a row: for every metric the mean over seeds and the 95%
// confidence interval of the mean, mean ± t(0.975, n-1) · s / √n with s
// the sample standard deviation (n-1 in the denominator).
func Summarize(allocator, variant string, results []*Result) CompareRow {
	row := CompareRow{Allocator: allocator, Variant: variant, Seeds: len(results),
		Metrics: make([]Stat, len(compareMetrics))}
	xs := make([]float64, len(results))
	for i, m := range compareMetrics {
		for k, r := range results {
			xs[k] = m.value(&r.Cluster)
		}
		row.Metrics[i] = meanCI(m.name, xs)
	}
	return row
}

// meanCI is the mean of xs and its 95% Student's t confidence interval.
func meanCI(name string, xs []float64) Stat {
	st := Stat{Name: name}
	n := len(xs)
	if n == 0 {
		return st
	}
	mean, variance := stat.MeanVariance(xs, nil)
	st.Mean, st.Low, st.High = mean, mean, mean
	if n == 1 {
		return st
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
	half := t * math.Sqrt(variance/float64(n))
	st.Low, st.High = mean-half, mean+half
	return st
}

// WriteTable writes c for people: a row per policy and variant, a column
// per metric as "mean ± half-width" (the mean alone for one seed).
// Utilisations and locked shares are percentages with one decimal (the
// half-width in percentage points), Jain's index has 3 decimals, times are
// seconds with 2 decimals, counts have one decimal unless whole. The
// VARIANT column is left out when no row has a variant.
func (c *Comparison) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	withVariant := false
	for i := range c.Rows {
		if c.Rows[i].Variant != "" {
			withVariant = true
		}
	}
	header := []any{"POLICY"}
	if withVariant {
		header = append(header, "VARIANT")
	}
	header = append(header, "SEEDS")
	left := len(header) - 1
	// Only the metrics the rows carry (see Comparison.Keep).
	var shown []compareMetric
	for _, m := range compareMetrics {
		if len(c.Rows) > 0 {
			if _, ok := c.Rows[0].Metric(m.name); !ok {
				continue
			}
		}
		shown = append(shown, m)
		header = append(header, strings.ToUpper(strings.ReplaceAll(m.name, "_", " ")))
	}
	t := newTable(bw, len(header), left)
	t.Header(header...)
	for i := range c.Rows {
		r := &c.Rows[i]
		cells := []string{r.Allocator}
		if withVariant {
			cells = append(cells, r.Variant)
		}
		cells = append(cells, strconv.Itoa(r.Seeds))
		for _, m := range shown {
			st, ok := r.Metric(m.name)
			if !ok || r.Seeds == 0 {
				cells = append(cells, "-")
				continue
			}
			cells = append(cells, statCell(m.kind, st, r.Seeds))
		}
		if err := t.Append(cells); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	return bw.Flush()
}

// statCell formats a table cell: the mean, then " ± " and the half-width
// when there is more than one seed.
func statCell(kind metricKind, st Stat, seeds int) string {
	var mean, half string
	h := st.HalfWidth()
	switch kind {
	case kindPercent:
		mean = pct(st.Mean)
		half = strconv.FormatFloat(100*h, 'f', 1, 64)
	case kindFraction:
		mean = strconv.FormatFloat(st.Mean, 'f', 3, 64)
		half = strconv.FormatFloat(h, 'f', 3, 64)
	case kindSeconds:
		mean = strconv.FormatFloat(st.Mean, 'f', 2, 64) + "s"
		half = strconv.FormatFloat(h, 'f', 2, 64)
	default:
		mean, half = count1(st.Mean), count1(h)
	}
	if seeds <= 1 {
		return mean
	}
	return mean + " ± " + half
}

// count1 formats a mean of counts: no decimals when it is whole, else one.
func count1(x float64) string {
	if x == math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// WriteJSON writes c as one indented JSON object:
// {"rows": [{"allocator", "variant", "seeds", "metrics": [{"name", "mean",
// "low", "high"}, ...]}, ...], "interrupted"}, metrics in CompareMetricNames
// order, "interrupted" only when set.
func (c *Comparison) WriteJSON(w io.Writer) error {
	out := Comparison{Rows: make([]CompareRow, len(c.Rows)), Interrupted: c.Interrupted}
	copy(out.Rows, c.Rows)
	for i := range out.Rows {
		if out.Rows[i].Metrics == nil {
			out.Rows[i].Metrics = []Stat{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}

// CompareCSVHeader is the header line of Comparison.WriteCSV.
var CompareCSVHeader = []string{"allocator", "variant", "seeds", "metric", "mean", "low", "high"}

// WriteCSV writes c in long form: CompareCSVHeader, then one line per row
// and metric, rows in order and metrics in CompareMetricNames order.
// Numbers are the shortest form that reads back exactly.
func (c *Comparison) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CompareCSVHeader); err != nil {
		return err
	}
	for i := range c.Rows {
		r := &c.Rows[i]
		for _, m := range r.Metrics {
			if err := cw.Write([]string{r.Allocator, r.Variant, strconv.Itoa(r.Seeds), m.Name,
				fmtFloat(m.Mean), fmtFloat(m.Low), fmtFloat(m.High)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
