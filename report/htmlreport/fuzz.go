package htmlreport

import (
	"strconv"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/plots"
)

// Violations is one invariant's count, for FuzzDoc: over a fuzz, the
// seeds that broke it; over a replay, its violations.
type Violations struct {
	Invariant string
	Count     int
	First     string // the first seeds, as text
}

// FuzzDoc builds the report of a fuzz: the violations by invariant as a
// chart and a table, the summary text, and the timeline of the first
// failing seed, replayed (tl nil when none failed).
func FuzzDoc(title, description string, prov *report.Provenance, text, countLabel string, by []Violations, tl *report.Timeline, repro string) (*Doc, error) {
	d := &Doc{Title: title, Description: description, Provenance: prov}
	s := Section{Heading: "Violations by invariant", Pre: text}
	if len(by) > 0 {
		var names []string
		var counts []float64
		t := &Table{Header: []string{"invariant", countLabel, "first seeds"}}
		for _, v := range by {
			names = append(names, v.Invariant)
			counts = append(counts, float64(v.Count))
			t.Rows = append(t.Rows, []string{v.Invariant, strconv.Itoa(v.Count), v.First})
		}
		p, err := plots.Bars(names, counts, "Violations by invariant", countLabel)
		if err != nil {
			return nil, err
		}
		f, err := FigureOf(p, "Per invariant: "+countLabel+".")
		if err != nil {
			return nil, err
		}
		s.Figures = []Figure{f}
		s.Table = t
	} else {
		s.Text = "No invariant broke."
	}
	d.Sections = append(d.Sections, s)
	if tl != nil {
		ts, err := TimelineSection(tl, repro)
		if err != nil {
			return nil, err
		}
		if countLabel != "violations" { // a fuzz, not a replay
			ts.Heading = "Fault timeline of the first failing seed, replayed"
		}
		d.Sections = append(d.Sections, ts)
	}
	return d, nil
}
