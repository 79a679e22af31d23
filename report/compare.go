package report

import (
	"fmt"
	"slices"
	"strings"
)

// A Comparison is the output of `mesosim compare`: one row per (policy,
// variant), each metric's mean over seeds with a 95% confidence interval,
// its per-seed values and, against a baseline policy, the paired
// differences. docs/compare.md describes the formats.
type Comparison struct {
	// Provenance names what made the comparison (nil: not written).
	Provenance *Provenance `json:"provenance,omitempty"`
	// Baseline is the allocator the paired differences are taken to; ""
	// when none.
	Baseline string `json:"baseline,omitempty"`
	// SeedStart is the first seed; row i's Values are for seeds
	// SeedStart, SeedStart+1, ...
	SeedStart uint64       `json:"seed_start"`
	Rows      []CompareRow `json:"rows"`
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
	// Metrics are the cluster metrics in CompareMetricNames order, then for
	// every role (sorted by name) the role metrics in RoleMetricNames
	// order, unless Keep chose others.
	Metrics []Stat `json:"metrics"`
}

// Stat is one metric over seeds: the mean and the 95% confidence interval
// of the mean, [Low, High], from Student's t distribution with N-1 degrees
// of freedom, over the N seeds that have data for it. With one seed Low =
// High = Mean; with none (N = 0) all are 0 and the metric has no data.
type Stat struct {
	Name string `json:"name"`
	// Role is the role of a role metric; "" for a cluster metric.
	Role string  `json:"role,omitempty"`
	Mean float64 `json:"mean"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	N    int     `json:"n"`
	// Values are the per-seed values, in seed order (null: no data).
	Values []Value `json:"values"`
	// Paired is the difference to the baseline policy's row of the same
	// variant; nil without a baseline and in the baseline's own rows.
	Paired *Paired `json:"paired,omitempty"`
}

// Key is the metric's name as --metrics takes it: the name for a cluster
// metric, "role.NAME@ROLE" for a role metric.
func (s *Stat) Key() string {
	if s.Role == "" {
		return s.Name
	}
	return "role." + s.Name + "@" + s.Role
}

// HasData reports whether any seed has data for the metric.
func (s Stat) HasData() bool { return s.N > 0 }

// HalfWidth is half the confidence interval's width.
func (s Stat) HalfWidth() float64 { return (s.High - s.Low) / 2 }

// Metric returns the row's cluster metric called name.
func (r *CompareRow) Metric(name string) (Stat, bool) { return r.RoleMetric(name, "") }

// RoleMetric returns the row's metric called name of role ("" for the
// cluster's).
func (r *CompareRow) RoleMetric(name, role string) (Stat, bool) {
	for _, m := range r.Metrics {
		if m.Name == name && m.Role == role {
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
// Result, and whether the run has data for it.
type compareMetric struct {
	name  string
	kind  metricKind
	value func(c *ClusterRow) (float64, bool)
}

func always(x float64) (float64, bool) { return x, true }

var compareMetrics = []compareMetric{
	{"cpu_util", kindPercent, func(c *ClusterRow) (float64, bool) { return always(c.CPUUtil) }},
	{"mem_util", kindPercent, func(c *ClusterRow) (float64, bool) { return always(c.MemUtil) }},
	{"locked_cpus", kindPercent, func(c *ClusterRow) (float64, bool) { return always(c.LockedCPUs) }},
	{"locked_mem", kindPercent, func(c *ClusterRow) (float64, bool) { return always(c.LockedMem) }},
	{"jain", kindFraction, func(c *ClusterRow) (float64, bool) { return c.Jain, c.DemandSeconds > 0 }},
	{"wait_p50", kindSeconds, func(c *ClusterRow) (float64, bool) { return c.WaitP50, c.WaitCount > 0 }},
	{"wait_p95", kindSeconds, func(c *ClusterRow) (float64, bool) { return c.WaitP95, c.WaitCount > 0 }},
	{"wait_p99", kindSeconds, func(c *ClusterRow) (float64, bool) { return c.WaitP99, c.WaitCount > 0 }},
	{"job_p50", kindSeconds, func(c *ClusterRow) (float64, bool) { return c.JobP50, c.JobsCompleted > 0 }},
	{"job_p99", kindSeconds, func(c *ClusterRow) (float64, bool) { return c.JobP99, c.JobsCompleted > 0 }},
	{"starvation_max", kindSeconds, func(c *ClusterRow) (float64, bool) { return always(c.StarvationMax) }},
	{"offers", kindCount, func(c *ClusterRow) (float64, bool) { return always(float64(c.Offers)) }},
	{"declined", kindCount, func(c *ClusterRow) (float64, bool) { return always(float64(c.Declined)) }},
	{"rescinded", kindCount, func(c *ClusterRow) (float64, bool) { return always(float64(c.Rescinded)) }},
	{"cycles", kindCount, func(c *ClusterRow) (float64, bool) { return always(float64(c.Cycles)) }},
	{"tasks_launched", kindCount, func(c *ClusterRow) (float64, bool) { return always(float64(c.TasksLaunched)) }},
}

// roleMetric is a per-role column of a comparison: a value of a role's
// Row, and whether the run has data for it.
type roleMetric struct {
	name  string
	kind  metricKind
	value func(r *Row) (float64, bool)
}

var roleMetrics = []roleMetric{
	{"wait_p50", kindSeconds, func(r *Row) (float64, bool) { return r.WaitP50, r.WaitCount > 0 }},
	{"wait_p95", kindSeconds, func(r *Row) (float64, bool) { return r.WaitP95, r.WaitCount > 0 }},
	{"mean_dominant_share", kindFraction, func(r *Row) (float64, bool) { return always(r.MeanDominantShare) }},
	{"starvation", kindSeconds, func(r *Row) (float64, bool) { return always(r.Starvation) }},
	{"cpu_util", kindPercent, func(r *Row) (float64, bool) { return always(r.CPUUtil) }},
	{"mem_util", kindPercent, func(r *Row) (float64, bool) { return always(r.MemUtil) }},
}

// CompareMetricNames returns the cluster metrics of a comparison, in
// column order. Each is the cluster row's field of the same JSON name
// (docs/summary.md).
func CompareMetricNames() []string {
	out := make([]string, len(compareMetrics))
	for i, m := range compareMetrics {
		out[i] = m.name
	}
	return out
}

// RoleMetricNames returns the per-role metrics of a comparison, in column
// order; --metrics names them "role.NAME" (every role) or "role.NAME@ROLE".
func RoleMetricNames() []string {
	out := make([]string, len(roleMetrics))
	for i, m := range roleMetrics {
		out[i] = m.name
	}
	return out
}

// kindOf is the display kind of a metric.
func kindOf(s *Stat) metricKind {
	if s.Role != "" {
		for _, m := range roleMetrics {
			if m.name == s.Name {
				return m.kind
			}
		}
	}
	for _, m := range compareMetrics {
		if m.name == s.Name {
			return m.kind
		}
	}
	return kindCount
}

// CheckMetrics checks a --metrics list: cluster names, "role.NAME" or
// "role.NAME@ROLE", each known.
func CheckMetrics(names []string) error {
	for _, n := range names {
		if err := checkMetric(n); err != nil {
			return err
		}
	}
	return nil
}

func checkMetric(n string) error {
	if rest, ok := strings.CutPrefix(n, "role."); ok {
		name, _, _ := strings.Cut(rest, "@")
		if !slices.Contains(RoleMetricNames(), name) {
			return fmt.Errorf("unknown role metric %q (known: role.%s, each optionally @ROLE)", n, strings.Join(RoleMetricNames(), ", role."))
		}
		return nil
	}
	if !slices.Contains(CompareMetricNames(), n) {
		return fmt.Errorf("unknown metric %q (known: %s; per role: role.%s)", n, strings.Join(CompareMetricNames(), ", "),
			strings.Join(RoleMetricNames(), ", role."))
	}
	return nil
}

// matches reports whether --metrics entry sel chooses metric s.
func matches(sel string, s *Stat) bool {
	rest, ok := strings.CutPrefix(sel, "role.")
	if !ok {
		return s.Role == "" && s.Name == sel
	}
	name, role, withRole := strings.Cut(rest, "@")
	return s.Role != "" && s.Name == name && (!withRole || role == s.Role)
}

// Keep restricts every row to the named metrics, in the order given (the
// user's): each entry is a cluster metric, "role.NAME" (that metric of
// every role, roles by name) or "role.NAME@ROLE". An unknown name is an
// error; an entry naming a metric already chosen adds nothing.
func (c *Comparison) Keep(names []string) error {
	if err := CheckMetrics(names); err != nil {
		return err
	}
	for i := range c.Rows {
		var kept []Stat
		taken := make([]bool, len(c.Rows[i].Metrics))
		for _, sel := range names {
			for k := range c.Rows[i].Metrics {
				if !taken[k] && matches(sel, &c.Rows[i].Metrics[k]) {
					taken[k] = true
					kept = append(kept, c.Rows[i].Metrics[k])
				}
			}
		}
		c.Rows[i].Metrics = kept
	}
	return nil
}

// Summarize reduces the results of one policy and variant, one per seed in
// seed order, to a row: for every cluster metric, and every role metric of
// every role seen in any result, the mean over the seeds with data and the
// 95% confidence interval of the mean (see meanCI), and the per-seed
// values.
func Summarize(allocator, variant string, results []*Result) CompareRow {
	row := CompareRow{Allocator: allocator, Variant: variant, Seeds: len(results)}
	vals := make([]Value, len(results))
	for _, m := range compareMetrics {
		for k, r := range results {
			v, ok := m.value(&r.Cluster)
			vals[k] = Value{v, ok}
		}
		row.Metrics = append(row.Metrics, statOf(m.name, "", vals))
	}
	var roles []string
	for _, r := range results {
		for i := range r.Roles {
			if !slices.Contains(roles, r.Roles[i].Name) {
				roles = append(roles, r.Roles[i].Name)
			}
		}
	}
	slices.Sort(roles)
	for _, role := range roles {
		for _, m := range roleMetrics {
			for k, r := range results {
				vals[k] = Value{}
				if x := r.role(role); x != nil {
					v, ok := m.value(x)
					vals[k] = Value{v, ok}
				}
			}
			row.Metrics = append(row.Metrics, statOf(m.name, role, vals))
		}
	}
	return row
}

// role returns the result's row of the role called name, or nil.
func (r *Result) role(name string) *Row {
	for i := range r.Roles {
		if r.Roles[i].Name == name {
			return &r.Roles[i]
		}
	}
	return nil
}

// statOf is the Stat of one metric's per-seed values (copied).
func statOf(name, role string, vals []Value) Stat {
	st := meanCI(name, present(vals))
	st.Role = role
	st.Values = slices.Clone(vals)
	return st
}

// Pair sets, in every row whose allocator is not baseline, the paired
// difference of each metric to the row of baseline with the same variant
// (see paired). It is an error when no row has that allocator.
func (c *Comparison) Pair(baseline string) error {
	found := false
	for i := range c.Rows {
		if c.Rows[i].Allocator == baseline {
			found = true
		}
	}
	if !found {
		return fmt.Errorf("baseline %q is not among the allocators compared", baseline)
	}
	c.Baseline = baseline
	for i := range c.Rows {
		r := &c.Rows[i]
		if r.Allocator == baseline {
			continue
		}
		var base *CompareRow
		for k := range c.Rows {
			if c.Rows[k].Allocator == baseline && c.Rows[k].Variant == r.Variant {
				base = &c.Rows[k]
			}
		}
		for m := range r.Metrics {
			st := &r.Metrics[m]
			var bvals []Value
			if b, ok := base.RoleMetric(st.Name, st.Role); ok {
				bvals = b.Values
			}
			p := paired(st.Values, bvals)
			st.Paired = &p
		}
	}
	return nil
}
