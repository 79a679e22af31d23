package model

import "github.com/mesosim/mesosim/sim"

// Reasons an (agent, framework) pair got no offer in an allocation cycle:
// the closed set of Skip.Reason values (docs/explain.md gives each rule and
// the Mesos code it follows).
const (
	// ReasonExhausted: the agent had nothing left the framework's role could
	// be offered (allocated before this cycle, or reserved for other roles).
	ReasonExhausted = "exhausted"
	// ReasonOfferLocked: the agent had nothing left and part of it was in an
	// outstanding offer of an earlier cycle, still waiting for its holder's
	// answer. The allocator reports ReasonExhausted; the decision recorder,
	// which sees the master's offers, names the offer.
	ReasonOfferLocked = "offer_locked"
	// ReasonFiltered: a filter of the framework on the agent (from a decline
	// or an accept's unused part with refuse_seconds) hid the offer.
	ReasonFiltered = "filtered"
	// ReasonMinAllocatable: the offer was below the minimum allocatable
	// resources (the master's, or the framework's own).
	ReasonMinAllocatable = "min_allocatable"
	// ReasonHeadroom: the offer was held back for another role's (or the
	// role's own) unmet quota guarantee.
	ReasonHeadroom = "headroom"
	// ReasonQuotaLimit: the role's quota limit (or, under the capacity
	// policy, its max_capacity) was reached.
	ReasonQuotaLimit = "quota_limit"
	// ReasonInactive: the framework was suppressed or not subscribed
	// (disconnected, failed over, partitioned away from the master).
	ReasonInactive = "inactive"
	// ReasonTaken: a role earlier in the order (or a framework earlier in
	// the framework's own role) took the agent in this cycle.
	ReasonTaken = "taken"
)

// Reasons lists every Skip.Reason value, in the order docs/explain.md
// gives them.
var Reasons = []string{ReasonExhausted, ReasonOfferLocked, ReasonFiltered, ReasonMinAllocatable,
	ReasonHeadroom, ReasonQuotaLimit, ReasonInactive, ReasonTaken}

// Decision is what the allocator decided in one allocation cycle: the role
// and framework order it used and, for every (candidate agent, known
// framework) pair that did not become an offer, why. The allocator reuses
// a Decision between cycles: a sink must copy what it keeps.
type Decision struct {
	// Ordered is true when Roles is the order in which roles were visited
	// (DRF); the other policies draw or rank per agent, and then Roles is
	// sorted by name.
	Ordered bool
	// Roles holds every role with frameworks, with its frameworks, as
	// sorted when the fair-share stage began.
	Roles []RoleOrder
	// Offers holds the pairs that became offers, in grant order.
	Offers []Pair
	// Skips holds one entry per (candidate agent, framework) pair that got
	// no offer, agents in visiting order, frameworks in subscription order.
	Skips []Skip
}

// RoleOrder is one role in a cycle's order.
type RoleOrder struct {
	Role       string
	Share      float64 // weighted dominant share
	Weight     float64
	Frameworks []FrameworkShare // in the role's framework order
}

// FrameworkShare is one framework and its (unweighted) dominant share.
type FrameworkShare struct {
	Framework string
	Share     float64
}

// Pair is an (agent, framework) pair that became an offer.
type Pair struct {
	Agent     string
	Framework string
	// Quota is true for an offer of the quota stage.
	Quota bool
}

// Skip is why one (agent, framework) pair got no offer. Only the fields
// that belong to Reason are set.
type Skip struct {
	Agent     string
	Framework string
	Reason    string

	// exhausted, offer_locked, taken: the framework holding the agent
	// (the largest holder) or that took it, its role and that role's
	// weighted share, against the skipped framework's role's share and
	// weight.
	By      string
	ByRole  string
	ByShare float64
	Share   float64
	Weight  float64
	// offer_locked: the outstanding offer and when it was made.
	Offer   string
	OfferAt sim.Time
	// filtered: when the filter was set (the decline), until when it
	// holds, and the refuse time it was set with (at least the allocation
	// interval).
	Since  sim.Time
	Until  sim.Time
	Refuse sim.Time
	// min_allocatable: "framework" (its own minimum) or "master".
	Min string
	// headroom: the role whose unmet guarantee held the offer back;
	// quota_limit: the role whose limit was reached.
	QuotaRole string
	// quota_limit: "quota" or "max_capacity".
	Limit string
}

// DecisionSink receives the allocator's decisions, one call per cycle,
// before the cycle's offers are made. The allocator calls it synchronously
// and reuses d afterwards.
type DecisionSink interface {
	Decided(d *Decision)
}
