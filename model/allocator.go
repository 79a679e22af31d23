package model

import (
	"math/rand/v2"

	"github.com/mesosim/mesosim/sim"
)

// Clock is the time source and timer service a component gets from the
// loop. Components never read the wall clock.
type Clock interface {
	Now() sim.Time
	// After runs fn d from now, as its own event.
	After(d sim.Time, fn func()) sim.Timer
	// Cancel stops a timer; false if it already ran.
	Cancel(t sim.Timer) bool
}

// AllocatorConfig is what every allocator is built from.
type AllocatorConfig struct {
	AllocationInterval sim.Time
	// MinAllocatable: an offer must contain at least one of these AND-sets
	// (compared by scalar quantity, whatever the reservation). Nil or empty
	// means anything non-empty is allocatable.
	MinAllocatable      []Resources
	FairSharingExcluded []string
	Clock               Clock
	// Rand is the allocator's own stream ("allocator").
	Rand *rand.Rand
	// Quota holds the initial quota of top-level roles, "*" included
	// (SetQuota changes it); a subrole has no quota of its own.
	Quota map[string]Quota
	// Capacity holds the capacity queues of the capacity allocator, by role.
	Capacity map[string]Capacity
	// Decisions, when not nil, receives every cycle's decisions
	// (run --decisions); nil records nothing and costs nothing.
	Decisions DecisionSink
}

// FrameworkInfo is what the allocator learns of a framework at
// subscription.
type FrameworkInfo struct {
	Name string
	Role string
	// MinAllocatable overrides the master's minimum allocatable resources
	// for this framework (FrameworkInfo.offer_filters in Mesos). Nil keeps
	// the master's; an empty non-nil list means anything is allocatable.
	MinAllocatable []Resources
}

// Grant is one allocation decision: resources of an agent for a framework
// in a role. The master turns each grant into one offer.
type Grant struct {
	Framework string
	Role      string
	Agent     string
	Resources Resources
}

// Usage is resources already in use on an agent by a framework when the
// agent is added (tasks it runs).
type Usage struct {
	Framework string
	Resources Resources
}

// Allocator is the master's allocation policy, called synchronously by the
// master (as Mesos's allocator process is driven by the master). The master
// owns when cycles run; the allocator decides who gets what.
type Allocator interface {
	// AddAgent registers an agent's total resources and what it already
	// runs.
	AddAgent(agent string, total Resources, used []Usage)
	// RemoveAgent forgets an agent, its allocations and the filters on it.
	RemoveAgent(agent string)
	// AddFramework registers a framework in one role.
	AddFramework(info FrameworkInfo)
	// RemoveFramework forgets a framework, its allocations and filters.
	RemoveFramework(framework string)
	// Suppress takes the framework out of its role's sorter; filters stay.
	Suppress(framework string)
	// Revive clears the framework's filters and puts it back in the sorter.
	Revive(framework string)
	// Recover returns resources of an agent from a framework (a decline, the
	// unused part of an accept, an ended task, a rescinded offer). A
	// positive filter hides offers of those resources (or fewer) on that
	// agent to that framework for that long.
	Recover(framework, agent string, res Resources, filter sim.Time)
	// SetWeight sets a role's weight (kept for roles with no framework yet).
	SetWeight(role string, weight float64)
	// SetQuota sets a top-level role's quota (a zero Quota removes it). It
	// does not trigger a cycle.
	SetQuota(role string, q Quota)
	// Allocate runs one allocation cycle over the candidate agents (in the
	// order the master knows them) and returns the grants in the order
	// they were made. The master reuses candidates' array for its next cycle:
	// the allocator must not keep it.
	Allocate(candidates []string) []Grant
}
