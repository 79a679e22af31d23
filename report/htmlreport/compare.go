package htmlreport

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/plots"
)

// MaxCompareFigures bounds the metric charts of a comparison's report.
const MaxCompareFigures = 60

// CompareDoc builds the report of a comparison: the tables as the
// terminal shows them, then per metric each policy's mean with its 95%
// confidence interval as a chart and, with a baseline, the paired
// differences below it.
func CompareDoc(c *report.Comparison, title, description string) (*Doc, error) {
	d := &Doc{Title: title, Description: description, Provenance: c.Provenance}
	var tables bytes.Buffer
	cc := *c
	cc.Provenance = nil
	if err := cc.WriteTable(&tables); err != nil {
		return nil, err
	}
	d.Sections = append(d.Sections, Section{Heading: "Comparison", Pre: tables.String(),
		Text: "Mean over seeds ± half the 95% confidence interval; - where no seed has data. docs/compare.md defines every metric."})
	if len(c.Rows) == 0 {
		return d, nil
	}
	for k, st := range c.Rows[0].Metrics {
		if k == MaxCompareFigures {
			d.Sections = append(d.Sections, Section{Heading: "More metrics",
				Text: fmt.Sprintf("%d more metrics are in the tables above, not drawn.", len(c.Rows[0].Metrics)-k)})
			break
		}
		var items []plots.Interval
		for i := range c.Rows {
			r := &c.Rows[i]
			m, _ := r.RoleMetric(st.Name, st.Role)
			name := r.Allocator
			if r.Variant != "" {
				name += " " + r.Variant
			}
			items = append(items, plots.Interval{Name: name, Mean: m.Mean, Low: m.Low, High: m.High, OK: m.HasData()})
		}
		p, err := plots.Means(items, st.Key(), st.Name)
		if err != nil {
			return nil, err
		}
		f, err := FigureOf(p, st.Key()+": mean and 95% confidence interval over seeds, per policy.")
		if err != nil {
			return nil, err
		}
		s := Section{Heading: st.Key(), Figures: []Figure{f}}
		if c.Baseline != "" {
			t := &Table{Header: []string{"policy", "pairs", "difference to " + c.Baseline, "95% CI", "Wilcoxon p"}}
			for i := range c.Rows {
				r := &c.Rows[i]
				m, _ := r.RoleMetric(st.Name, st.Role)
				if m.Paired == nil {
					continue
				}
				p := m.Paired
				row := []string{r.Allocator + " " + r.Variant, strconv.Itoa(p.N), "-", "-", "-"}
				if p.N > 0 {
					row[2] = strconv.FormatFloat(p.Mean, 'g', 4, 64)
					row[3] = "[" + strconv.FormatFloat(p.Low, 'g', 4, 64) + ", " + strconv.FormatFloat(p.High, 'g', 4, 64) + "]"
					row[4] = strconv.FormatFloat(p.P, 'g', 3, 64)
				}
				t.Rows = append(t.Rows, row)
			}
			s.Table = t
		}
		d.Sections = append(d.Sections, s)
	}
	return d, nil
}
