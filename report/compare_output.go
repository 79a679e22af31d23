package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteTable writes c for people: the provenance line, then a table with a
// row per policy and variant and a column per cluster metric as "mean ±
// half-width" (the mean alone for one seed, "-" with no data); then, when
// the rows carry role metrics, a table with a row per policy, variant and
// role; then, with a baseline, the paired differences, one line per
// policy, variant and metric. Utilisations and locked shares are
// percentages with one decimal (the half-width in percentage points),
// shares and Jain's index have 3 decimals, times are seconds with 2
// decimals, counts have one decimal unless whole, with thousands
// separators. The VARIANT column is left out when no row has a variant.
func (c *Comparison) WriteTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if c.Provenance != nil {
		bw.WriteString(c.Provenance.Line() + "\n")
	}
	withVariant := false
	for i := range c.Rows {
		if c.Rows[i].Variant != "" {
			withVariant = true
		}
	}
	lead := func(r *CompareRow, role string) []string {
		cells := []string{r.Allocator}
		if withVariant {
			cells = append(cells, r.Variant)
		}
		if role != "" {
			cells = append(cells, role)
		}
		return append(cells, strconv.Itoa(r.Seeds))
	}
	leadHeader := func(role bool) []any {
		h := []any{"POLICY"}
		if withVariant {
			h = append(h, "VARIANT")
		}
		if role {
			h = append(h, "ROLE")
		}
		return append(h, "SEEDS")
	}
	// The cluster metrics, in the rows' order.
	var cluster, roleNames, roles []string
	if len(c.Rows) > 0 {
		for _, m := range c.Rows[0].Metrics {
			if m.Role == "" {
				cluster = append(cluster, m.Name)
			}
		}
		for _, m := range c.Rows[0].Metrics {
			if m.Role != "" && !contains(roleNames, m.Name) {
				roleNames = append(roleNames, m.Name)
			}
		}
	}
	for i := range c.Rows {
		for _, m := range c.Rows[i].Metrics {
			if m.Role != "" && !contains(roles, m.Role) {
				roles = append(roles, m.Role)
			}
		}
	}
	if len(cluster) > 0 || len(roleNames) == 0 {
		if err := c.writeStatTable(bw, leadHeader(false), cluster, []string{""}, lead); err != nil {
			return err
		}
	}
	if len(roleNames) > 0 {
		if err := c.writeStatTable(bw, leadHeader(true), roleNames, roles, lead); err != nil {
			return err
		}
	}
	if c.Baseline != "" {
		if err := c.writePairedTable(bw, withVariant); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeStatTable writes one table: the header's leading columns, then a
// column per metric name; a line per row and role ("" for the cluster's
// metrics), left out for a role the row has no metric of.
func (c *Comparison) writeStatTable(w io.Writer, header []any, names, roles []string, lead func(*CompareRow, string) []string) error {
	left := len(header) - 1
	for _, n := range names {
		header = append(header, columnName(n))
	}
	t := newTable(w, len(header), left)
	t.Header(header...)
	for i := range c.Rows {
		r := &c.Rows[i]
		for _, role := range roles {
			cells := lead(r, role)
			has := false
			for _, n := range names {
				st, ok := r.RoleMetric(n, role)
				has = has || ok
				cells = append(cells, statCell(kindOf(&st), st))
			}
			if !has && role != "" {
				continue
			}
			if err := t.Append(cells); err != nil {
				return err
			}
		}
	}
	return t.Render()
}

// writePairedTable writes the paired differences to the baseline.
func (c *Comparison) writePairedTable(w io.Writer, withVariant bool) error {
	io.WriteString(w, "paired difference to "+c.Baseline+" on the same seeds (policy − "+c.Baseline+
		"): mean, 95% CI, Wilcoxon signed-rank p\n")
	header := []any{"POLICY"}
	if withVariant {
		header = append(header, "VARIANT")
	}
	header = append(header, "METRIC", "PAIRS", "DIFFERENCE", "95% CI", "P")
	t := newTable(w, len(header), len(header)-4)
	t.Header(header...)
	for i := range c.Rows {
		r := &c.Rows[i]
		for _, st := range r.Metrics {
			if st.Paired == nil {
				continue
			}
			cells := []string{r.Allocator}
			if withVariant {
				cells = append(cells, r.Variant)
			}
			p := st.Paired
			cells = append(cells, st.Key(), strconv.Itoa(p.N))
			if p.N == 0 {
				cells = append(cells, "-", "-", "-")
			} else {
				k := kindOf(&st)
				cells = append(cells, signed(fmtKind(k, p.Mean)),
					"["+fmtKind(k, p.Low)+", "+fmtKind(k, p.High)+"]", pValue(p.P))
			}
			if err := t.Append(cells); err != nil {
				return err
			}
		}
	}
	return t.Render()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// columnName is a metric's column header: its name in capitals, "_" as
// spaces.
func columnName(n string) string { return strings.ToUpper(strings.ReplaceAll(n, "_", " ")) }

// statCell formats a table cell: the mean, then " ± " and the half-width
// when more than one seed has data; "-" when none has.
func statCell(kind metricKind, st Stat) string {
	if st.N == 0 {
		return "-"
	}
	mean := fmtKind(kind, st.Mean)
	if st.N <= 1 {
		return mean
	}
	h := st.HalfWidth()
	var half string
	switch kind {
	case kindPercent:
		half = strconv.FormatFloat(100*h, 'f', 1, 64)
	case kindFraction:
		half = strconv.FormatFloat(h, 'f', 3, 64)
	case kindSeconds:
		half = strconv.FormatFloat(h, 'f', 2, 64)
	default:
		half = count1(h)
	}
	return mean + " ± " + half
}

// fmtKind formats one value of a metric of the given kind.
func fmtKind(kind metricKind, x float64) string {
	switch kind {
	case kindPercent:
		return pct(x)
	case kindFraction:
		return strconv.FormatFloat(x, 'f', 3, 64)
	case kindSeconds:
		return strconv.FormatFloat(x, 'f', 2, 64) + "s"
	}
	return count1(x)
}

// signed puts a "+" before a non-negative number.
func signed(s string) string {
	if strings.HasPrefix(s, "-") {
		return s
	}
	return "+" + s
}

// pValue formats a p-value: 3 significant digits, "<0.001" below that.
func pValue(p float64) string {
	if p < 0.001 {
		return "<0.001"
	}
	return strconv.FormatFloat(p, 'f', 3, 64)
}

// count1 formats a mean of counts: no decimals when it is whole, else
// one; thousands separated by commas.
func count1(x float64) string {
	if x == math.Trunc(x) {
		return thousands(strconv.FormatFloat(x, 'f', 0, 64))
	}
	return thousands(strconv.FormatFloat(x, 'f', 1, 64))
}

// thousands puts commas between groups of three digits of a formatted
// number's integer part.
func thousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	lead := len(intPart) % 3
	if lead > 0 {
		b.WriteString(intPart[:lead])
	}
	for i := lead; i < len(intPart); i += 3 {
		if b.Len() > len(sign) {
			b.WriteByte(',')
		}
		b.WriteString(intPart[i : i+3])
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// WriteJSON writes c as one indented JSON object: "provenance",
// "baseline" (with --baseline), "seed_start", "rows": [{"allocator",
// "variant", "seeds", "metrics": [{"name", "role" (role metrics), "mean",
// "low", "high", "n", "values" (per seed, null without data), "paired"
// (with a baseline: {"n", "mean", "low", "high", "p"})}, ...]}, ...],
// "interrupted" (only when a stop signal cut the comparison short).
func (c *Comparison) WriteJSON(w io.Writer) error {
	out := *c
	out.Rows = make([]CompareRow, len(c.Rows))
	copy(out.Rows, c.Rows)
	for i := range out.Rows {
		if out.Rows[i].Metrics == nil {
			out.Rows[i].Metrics = []Stat{}
		}
		ms := make([]Stat, len(out.Rows[i].Metrics))
		copy(ms, out.Rows[i].Metrics)
		for k := range ms {
			if ms[k].Values == nil {
				ms[k].Values = []Value{}
			}
		}
		out.Rows[i].Metrics = ms
	}
	if out.Rows == nil {
		out.Rows = []CompareRow{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&out)
}

// CompareCSVHeader is the header line of Comparison.WriteCSV.
var CompareCSVHeader = []string{"allocator", "variant", "seeds", "role", "metric", "n", "mean", "low", "high", "values",
	"paired_n", "paired_mean", "paired_low", "paired_high", "paired_p"}

// WriteCSV writes c in long form: the provenance as "# key: value" comment
// lines, CompareCSVHeader, then one line per row and metric, in the rows'
// order. "values" holds the per-seed values joined by ";" in seed order
// (from seed_start), an empty entry where a seed has no data; mean, low
// and high are empty when no seed has data; the paired columns are empty
// without a baseline and in the baseline's rows. Numbers are the shortest
// form that reads back exactly.
func (c *Comparison) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := c.Provenance.writeComments(bw); err != nil {
		return err
	}
	if c.Provenance != nil {
		bw.WriteString("# seed_start: " + strconv.FormatUint(c.SeedStart, 10) + "\n")
		if c.Baseline != "" {
			bw.WriteString("# baseline: " + c.Baseline + "\n")
		}
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(CompareCSVHeader); err != nil {
		return err
	}
	for i := range c.Rows {
		r := &c.Rows[i]
		for _, m := range r.Metrics {
			vals := make([]string, len(m.Values))
			for k, v := range m.Values {
				if v.OK {
					vals[k] = fmtFloat(v.V)
				}
			}
			line := []string{r.Allocator, r.Variant, strconv.Itoa(r.Seeds), m.Role, m.Name, strconv.Itoa(m.N)}
			if m.N > 0 {
				line = append(line, fmtFloat(m.Mean), fmtFloat(m.Low), fmtFloat(m.High))
			} else {
				line = append(line, "", "", "")
			}
			line = append(line, strings.Join(vals, ";"))
			if p := m.Paired; p != nil && p.N > 0 {
				line = append(line, strconv.Itoa(p.N), fmtFloat(p.Mean), fmtFloat(p.Low), fmtFloat(p.High), fmtFloat(p.P))
			} else if p != nil {
				line = append(line, "0", "", "", "", "")
			} else {
				line = append(line, "", "", "", "", "")
			}
			if err := cw.Write(line); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
