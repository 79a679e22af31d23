package htmlreport

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/report/explain"
	"github.com/mesosim/mesosim/report/plots"
	"github.com/mesosim/mesosim/sim"
)

// StarvationHeading is the heading of the starvation section.
const StarvationHeading = "Starvation by cause"

// Starvation is what the starvation section shows: the analysis of every
// framework (explain.Config with no Framework and Spans set), the run's
// end and the shortest episode counted.
type Starvation struct {
	Report   *explain.Report
	End, Min sim.Time
}

// StarvationSection is one lane per framework that starved, each episode
// a bar coloured by its main cause, then the table mesosim explain prints
// without --framework, for those frameworks.
func StarvationSection(st *Starvation) (Section, error) {
	s := Section{Heading: StarvationHeading}
	var starved []explain.Row
	clipped := 0
	for _, r := range st.Report.Frameworks {
		if r.Episodes > 0 {
			starved = append(starved, r)
			clipped += r.SpansLeft
		}
	}
	if len(starved) == 0 {
		s.Text = fmt.Sprintf("No framework starved (went without offers while it had demand) for %s or longer.", st.Min)
		return s, nil
	}
	s.Text = fmt.Sprintf("Episodes of at least %s with demand and no offer; the main cause is the allocator's reason with the most agent visits "+
		"(docs/explain.md); mesosim explain on the --decisions file gives each episode in words.", st.Min)
	p, left, err := plots.Starvation(starved, st.End, "Starvation episodes per framework")
	if err != nil {
		return Section{}, err
	}
	caption := "Frameworks as lanes; each episode a bar from its start to its end, coloured by its main cause."
	if clipped > 0 {
		caption += fmt.Sprintf(" %d later episodes not drawn.", clipped)
	}
	if len(left) > 0 {
		caption += fmt.Sprintf(" %d more frameworks not drawn: %s.", len(left), strings.Join(left, ", "))
	}
	f, err := FigureOf(p, caption)
	if err != nil {
		return Section{}, err
	}
	s.Figures = []Figure{f}
	t := &Table{Header: []string{"framework", "role", "episodes", "starved", "longest", "main cause"}}
	for _, r := range starved {
		cause := "-"
		if r.MainCause != "" {
			cause = fmt.Sprintf("%s %.0f%%: %s", r.MainCause, r.Percent, r.Text)
		}
		t.Rows = append(t.Rows, []string{r.Framework, r.Role, strconv.Itoa(r.Episodes), r.Starved.String(), r.Longest.String(), cause})
	}
	s.Table = t
	return s, nil
}
