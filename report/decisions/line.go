// Package decisions is the decision record behind `mesosim explain`: the
// allocator's own reasons for every (agent, framework) pair it did not
// offer, cycle by cycle, and the starvation intervals of the summary, as
// one stream of lines (a JSONL file written by `run --decisions`, or fed
// straight to an analysis). docs/explain.md gives the schema.
package decisions

import "github.com/mesosim/mesosim/sim"

// Line kinds.
const (
	KindHeader = "header"
	KindCycle  = "cycle"
	KindStarve = "starve"
	KindEnd    = "end"
)

// Version is the schema version a header carries.
const Version = 1

// Line is one line of a decision stream. Only the fields of its Kind are
// set:
//
//   - header (first): Version, Scenario, Seed, Policy;
//   - cycle: Cycle, T, Ordered, Roles, Offers, Skips;
//   - starve: Framework, T, Open (an offerless interval with demand of the
//     framework begins, or with Open false ends, at T);
//   - end (last): T, the end of the run.
type Line struct {
	Kind string `json:"kind"`
	T    int64  `json:"t"` // microseconds

	Version  int    `json:"version,omitempty"`
	Scenario string `json:"scenario,omitempty"`
	Seed     uint64 `json:"seed,omitempty"`
	Policy   string `json:"policy,omitempty"`

	Cycle   int64   `json:"cycle,omitempty"`
	Ordered bool    `json:"ordered,omitempty"`
	Roles   []Role  `json:"roles,omitempty"`
	Offers  []Offer `json:"offers,omitempty"`
	Skips   []Skip  `json:"skips,omitempty"`

	Framework string `json:"framework,omitempty"`
	Open      bool   `json:"open,omitempty"`
}

// Role is one role of a cycle's order.
type Role struct {
	Role       string      `json:"role"`
	Share      float64     `json:"share"`
	Weight     float64     `json:"weight"`
	Frameworks []Framework `json:"frameworks"`
}

// Framework is a framework in its role's order.
type Framework struct {
	Framework string  `json:"framework"`
	Share     float64 `json:"share"`
}

// Offer is an (agent, framework) pair that became an offer.
type Offer struct {
	Agent     string `json:"agent"`
	Framework string `json:"framework"`
	Quota     bool   `json:"quota,omitempty"`
}

// Skip is the reason one (agent, framework) pair got no offer; only the
// fields of the reason are set (docs/explain.md).
type Skip struct {
	Agent     string `json:"agent"`
	Framework string `json:"framework"`
	Reason    string `json:"reason"`

	By      string  `json:"by,omitempty"`
	ByRole  string  `json:"by_role,omitempty"`
	ByShare float64 `json:"by_share,omitempty"`
	Share   float64 `json:"share,omitempty"`
	Weight  float64 `json:"weight,omitempty"`

	Offer   string `json:"offer,omitempty"`
	OfferAt int64  `json:"offer_at,omitempty"`

	Since  int64 `json:"since,omitempty"`
	Until  int64 `json:"until,omitempty"`
	Refuse int64 `json:"refuse,omitempty"`

	Min       string `json:"min,omitempty"`
	QuotaRole string `json:"quota_role,omitempty"`
	Limit     string `json:"limit,omitempty"`
}

// Time returns the line's time.
func (l *Line) Time() sim.Time { return sim.Time(l.T) }

// Consumer takes a decision stream line by line. The line and what it
// points to are reused after Line returns: copy what is kept.
type Consumer interface {
	Line(l *Line) error
}
