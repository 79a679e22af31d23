package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/report/decisions"
	"github.com/mesosim/mesosim/sim"
)

// Episode is one starvation episode of a framework: an offerless interval
// with demand, as the summary's starvation metric defines it.
type Episode struct {
	From sim.Time `json:"from_us"`
	To   sim.Time `json:"to_us"`
	// Cycles is the cycles in the episode, Visits the (agent, cycle)
	// visits counted (all agents, or --agent's).
	Cycles int64   `json:"cycles"`
	Visits int64   `json:"visits"`
	Causes []Cause `json:"causes"`
	// StuckCycle is the first cycle after which the episode could no
	// longer end by itself (0: it could until its end), at StuckAt.
	StuckCycle int64    `json:"stuck_cycle,omitempty"`
	StuckAt    sim.Time `json:"stuck_at_us,omitempty"`
	Text       string   `json:"text"`
}

// Cause is one reason's part of an episode.
type Cause struct {
	Reason  string  `json:"reason"`
	Visits  int64   `json:"visits"`
	Percent float64 `json:"percent"`
	// Detail is a reason of the most frequent kind (the same holder,
	// filter length, role), the latest one seen.
	Detail decisions.Skip `json:"detail"`
	Text   string         `json:"text"`
}

// Row is one framework in the table of every framework.
type Row struct {
	Framework string   `json:"framework"`
	Role      string   `json:"role"`
	Episodes  int      `json:"episodes"`
	Starved   sim.Time `json:"starved_us"` // the reported episodes together
	Longest   sim.Time `json:"longest_us"` // the summary's starvation
	MainCause string   `json:"main_cause,omitempty"`
	Percent   float64  `json:"main_cause_percent,omitempty"`
	Text      string   `json:"text,omitempty"`
	// Spans are the reported episodes as spans, the first Config.Spans of
	// them (none unless Config.Spans is set); SpansLeft counts the rest.
	Spans     []Span `json:"spans,omitempty"`
	SpansLeft int    `json:"spans_left,omitempty"`
}

// Span is one reported episode on a timeline: from From to To, its main
// cause the reason with the most agent visits ("" when no allocation
// cycle visited an agent).
type Span struct {
	From  sim.Time `json:"from_us"`
	To    sim.Time `json:"to_us"`
	Cause string   `json:"cause,omitempty"`
}

// Report is the analysis of one stream.
type Report struct {
	Scenario  string `json:"scenario"`
	Seed      uint64 `json:"seed"`
	Policy    string `json:"policy"`
	Framework string `json:"framework,omitempty"`
	Role      string `json:"role,omitempty"`
	// Longest is the framework's longest episode, the summary's
	// starvation (Framework only).
	Longest    sim.Time  `json:"longest_us,omitempty"`
	Episodes   []Episode `json:"episodes,omitempty"`
	Frameworks []Row     `json:"frameworks,omitempty"`
}

func episode(f *fw, from, to sim.Time) Episode {
	e := Episode{From: from, To: to, Cycles: f.cur.cycles, Visits: f.cur.visits, Causes: f.cur.list()}
	if f.cur.stuckCycle > 0 {
		e.StuckCycle, e.StuckAt = f.cur.stuckCycle, f.cur.stuckAt
	}
	for i := range e.Causes {
		e.Causes[i].Text = causeText(&e.Causes[i], f.role)
	}
	e.Text = episodeText(&e)
	return e
}

// Report returns the analysis. It is an error to ask for a framework the
// stream never saw starve, or for a stream with no end line.
func (a *Analyzer) Report() (*Report, error) {
	if !a.ended {
		return nil, fmt.Errorf("the decision stream has no end line")
	}
	r := &Report{Scenario: a.header.Scenario, Seed: a.header.Seed, Policy: a.header.Policy}
	if a.cfg.Framework != "" {
		f := a.fws[a.cfg.Framework]
		if f == nil {
			return nil, fmt.Errorf("framework %q never had demand in this run (known: %s)", a.cfg.Framework, strings.Join(a.known(), ", "))
		}
		r.Framework, r.Role, r.Longest, r.Episodes = f.name, f.role, f.longest, f.episodes
		return r, nil
	}
	for _, name := range sortedKeys(a.fws) {
		f := a.fws[name]
		row := Row{Framework: name, Role: f.role, Episodes: f.count, Starved: f.total, Longest: f.longest, Spans: f.spans, SpansLeft: f.left}
		if cs := f.causes.list(); len(cs) > 0 {
			row.MainCause, row.Percent = cs[0].Reason, cs[0].Percent
			row.Text = causeText(&cs[0], f.role)
		}
		r.Frameworks = append(r.Frameworks, row)
	}
	return r, nil
}

func (a *Analyzer) known() []string {
	k := sortedKeys(a.fws)
	if len(k) == 0 {
		return []string{"none"}
	}
	return k
}

// causeText is one cause in plain words, after "N% of agent visits".
func causeText(c *Cause, role string) string {
	s := c.Detail
	shares := func(own string) string {
		if s.ByRole == role && s.Reason == model.ReasonTaken {
			return fmt.Sprintf("share %.2f against yours %.2f in role %s", s.ByShare, s.Share, role)
		}
		return fmt.Sprintf("role %s, share %.2f against yours %.2f at weight %g", s.ByRole, s.ByShare, s.Share, s.Weight)
	}
	switch c.Reason {
	case model.ReasonExhausted:
		if s.By == "" {
			return "found nothing left for your role (the rest reserved for other roles)"
		}
		return fmt.Sprintf("found nothing left (held by framework %s, %s)", s.By, shares(""))
	case model.ReasonOfferLocked:
		return fmt.Sprintf("found the agent locked in an outstanding offer to framework %s (offer %s, made at %s) while it thinks", s.By, s.Offer, sim.Time(s.OfferAt))
	case model.ReasonTaken:
		return fmt.Sprintf("lost the agent in the same cycle to framework %s, earlier in the order (%s)", s.By, shares(""))
	case model.ReasonFiltered:
		return fmt.Sprintf("filtered by your own declines (refuse_seconds %g)", sim.Time(s.Refuse).Seconds())
	case model.ReasonMinAllocatable:
		if s.Min == "framework" {
			return "below your own minimum allocatable resources"
		}
		return "below the master's minimum allocatable resources"
	case model.ReasonHeadroom:
		return fmt.Sprintf("held back for role %s's quota guarantee", s.QuotaRole)
	case model.ReasonQuotaLimit:
		if s.Limit == "max_capacity" {
			return fmt.Sprintf("stopped by role %s's max_capacity", s.QuotaRole)
		}
		return fmt.Sprintf("stopped by role %s's quota limit", s.QuotaRole)
	case model.ReasonInactive:
		return "found you suppressed or not subscribed"
	}
	return c.Reason
}

// episodeText is an episode in plain words.
func episodeText(e *Episode) string {
	var b strings.Builder
	fmt.Fprintf(&b, "from %s to %s (%d cycles)", e.From, e.To, e.Cycles)
	if e.Visits == 0 {
		b.WriteString(": no agent visit (no allocation cycle considered an agent)")
		return b.String()
	}
	b.WriteString(": ")
	for i, c := range e.Causes {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == 0 {
			fmt.Fprintf(&b, "%.0f%% of agent visits %s", c.Percent, c.Text)
		} else {
			fmt.Fprintf(&b, "%.0f%% %s", c.Percent, c.Text)
		}
	}
	b.WriteString(". ")
	if e.StuckCycle > 0 {
		fmt.Fprintf(&b, "From cycle %d (at %s) on it could no longer end by itself: every visit found a reason no timer clears, so only another actor (a task ending, a revive, an operator) could end it.", e.StuckCycle, e.StuckAt)
	} else {
		b.WriteString("It could end by itself to the last: its last cycle still met a filter that expires, an offer awaiting an answer or an order that moves.")
	}
	return b.String()
}

// WriteText writes r in plain words (one paragraph per episode) or, for
// the table of every framework, as a table.
func (r *Report) WriteText(w io.Writer) error {
	if r.Framework == "" {
		return r.writeTable(w)
	}
	fmt.Fprintf(w, "framework %s (role %s), scenario %s, seed %d, policy %s: longest starvation %s, %d episode(s) reported\n",
		r.Framework, r.Role, r.Scenario, r.Seed, r.Policy, r.Longest, len(r.Episodes))
	for _, e := range r.Episodes {
		if _, err := fmt.Fprintf(w, "\n%s\n", e.Text); err != nil {
			return err
		}
	}
	return nil
}

func (r *Report) writeTable(w io.Writer) error {
	t := report.NewTable(w, 6, 6)
	t.Header("FRAMEWORK", "ROLE", "EPISODES", "STARVED", "LONGEST", "MAIN CAUSE")
	for _, row := range r.Frameworks {
		cause := "-"
		if row.MainCause != "" {
			cause = fmt.Sprintf("%s %.0f%%: %s", row.MainCause, row.Percent, row.Text)
		}
		if err := t.Append(row.Framework, row.Role, fmt.Sprint(row.Episodes), row.Starved.String(), row.Longest.String(), cause); err != nil {
			return err
		}
	}
	return t.Render()
}

// WriteJSON writes r as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
