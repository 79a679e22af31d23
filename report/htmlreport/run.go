package htmlreport

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/plot"

	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/plots"
)

// Run is what a run's report shows.
type Run struct {
	Title, Description string
	Provenance         *report.Provenance
	Result             *report.Result
	Series             []report.SeriesRow
	Tasks              []report.TaskRow
	Timeline           *report.Timeline // nil: not drawn
	// Repro is the command that reruns this run; shown with violations.
	Repro string
	// Starvation, when set, adds the section StarvationHeading; without
	// it StarvationHint (if any) is one line under "Over time".
	Starvation     *Starvation
	StarvationHint string
}

// RunDoc builds the report of one run: the summary tables, then
// cluster utilisation per resource, dominant share per role and per
// framework, pending tasks, the wait CDF per role, offers and declines per
// framework over time, with in.Starvation each framework's starvation
// episodes coloured by cause, and, where faults ran or invariants broke, the
// fault and violation timeline with the violations listed.
func RunDoc(in *Run) (*Doc, error) {
	d := &Doc{Title: in.Title, Description: in.Description, Provenance: in.Provenance}
	var summary bytes.Buffer
	res := *in.Result
	res.Provenance = nil // shown above
	if err := res.WriteTable(&summary); err != nil {
		return nil, err
	}
	d.Sections = append(d.Sections, Section{Heading: "Summary", Pre: summary.String(),
		Text: "Time-weighted over the run; docs/summary.md defines every column."})

	var figs []Figure
	addFig := func(p *plot.Plot, left []string, err error, caption string) error {
		if err != nil {
			return nil // nothing to draw (no such rows)
		}
		if len(left) > 0 {
			caption += fmt.Sprintf(" (%d more not drawn: %s)", len(left), strings.Join(left, ", "))
		}
		f, err := FigureOf(p, caption)
		if err != nil {
			return err
		}
		figs = append(figs, f)
		return nil
	}
	util := func(r *report.SeriesRow) (string, bool) {
		if r.Scope == report.ScopeCluster && strings.HasPrefix(r.Metric, "util_") {
			return strings.TrimPrefix(r.Metric, "util_"), true
		}
		return "", false
	}
	p, left, err := plots.Lines(in.Series, util, true, "Cluster utilisation per resource", "allocated / total")
	if e := addFig(p, left, err, "Allocated (offered or used by tasks) over total, per interval, per resource."); e != nil {
		return nil, e
	}
	p, left, err = plots.SeriesLines(in.Series, report.ScopeRole, "dominant_share", nil, "Dominant share per role", "dominant share")
	if e := addFig(p, left, err, "Each role's time-weighted dominant share per interval."); e != nil {
		return nil, e
	}
	p, left, err = plots.SeriesLines(in.Series, report.ScopeFramework, "dominant_share", nil, "Dominant share per framework", "dominant share")
	if e := addFig(p, left, err, "Each framework's time-weighted dominant share per interval."); e != nil {
		return nil, e
	}
	pending := func(r *report.SeriesRow) (string, bool) {
		if r.Metric != "pending_tasks" || (r.Scope != report.ScopeCluster && r.Scope != report.ScopeRole) {
			return "", false
		}
		if r.Scope == report.ScopeCluster {
			return "cluster", true
		}
		return "role " + r.Name, true
	}
	p, left, err = plots.Lines(in.Series, pending, false, "Pending tasks", "tasks submitted, not launched")
	if e := addFig(p, left, err, "Tasks waiting for resources at the end of each interval, the cluster's and each role's."); e != nil {
		return nil, e
	}
	if groups := waitGroups(in.Tasks); len(groups) > 0 {
		p, err := plots.CDF(groups, "Task wait per role (CDF)", "wait, submission to launch (seconds)")
		if e := addFig(p, nil, err, "The fraction of each role's launched tasks that waited at most x seconds (task count in the legend)."); e != nil {
			return nil, e
		}
	}
	offers := func(r *report.SeriesRow) (string, bool) {
		if r.Scope != report.ScopeFramework || (r.Metric != "offers" && r.Metric != "declined") {
			return "", false
		}
		return r.Name + " " + r.Metric, true
	}
	p, left, err = plots.Lines(in.Series, offers, true, "Offers and declines per framework", "per interval")
	if e := addFig(p, left, err, "Offers made to, and declined by, each framework in each interval."); e != nil {
		return nil, e
	}
	over := Section{Heading: "Over time", Figures: figs}
	if in.Starvation == nil {
		over.Text = in.StarvationHint
	}
	d.Sections = append(d.Sections, over)
	if in.Starvation != nil {
		s, err := StarvationSection(in.Starvation)
		if err != nil {
			return nil, err
		}
		d.Sections = append(d.Sections, s)
	}
	if in.Timeline != nil && !in.Timeline.Empty() {
		s, err := TimelineSection(in.Timeline, in.Repro)
		if err != nil {
			return nil, err
		}
		d.Sections = append(d.Sections, s)
	}
	return d, nil
}

// TimelineSection is the fault and violation timeline with the
// violations listed and the command that replays them.
func TimelineSection(tl *report.Timeline, repro string) (Section, error) {
	p, err := plots.Timeline(tl, "Faults, lost messages and violations")
	if err != nil {
		return Section{}, err
	}
	f, err := FigureOf(p, fmt.Sprintf("Actors as lanes; bars: partitions, crashed agents, no leading master, disconnected frameworks; "+
		"%d lost messages (marks: at most %d), %d fault records, %d violations (red, numbered).",
		tl.Dropped, report.MaxTimelineMarks, tl.Faults, len(tl.Violations)))
	if err != nil {
		return Section{}, err
	}
	s := Section{Heading: "Fault timeline", Figures: []Figure{f}}
	if len(tl.Violations) > 0 {
		t := &Table{Header: []string{"#", "time", "actor", "invariant: detail"}}
		for i, v := range tl.Violations {
			if i == 200 {
				t.Rows = append(t.Rows, []string{"", "", "", fmt.Sprintf("... and %d more", len(tl.Violations)-200)})
				break
			}
			t.Rows = append(t.Rows, []string{fmt.Sprintf("V%d", i+1), v.T.String(), tl.Lanes[v.Lane], v.Label})
		}
		s.Table = t
		if repro != "" {
			s.Text = "Replay: " + repro
		}
	}
	return s, nil
}

// waitGroups are the waits of launched tasks, by role, roles sorted.
func waitGroups(tasks []report.TaskRow) []plots.Group {
	by := map[string][]float64{}
	for _, t := range tasks {
		if t.Submit >= 0 && t.Launch >= 0 {
			by[t.Role] = append(by[t.Role], (t.Launch - t.Submit).Seconds())
		}
	}
	var roles []string
	for r := range by {
		roles = append(roles, r)
	}
	slices.Sort(roles)
	out := make([]plots.Group, len(roles))
	for i, r := range roles {
		out[i] = plots.Group{Name: r, Values: by[r]}
	}
	return out
}
