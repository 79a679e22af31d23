package report

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// invAgent is the resources invariant's account of one agent: its total
// (from agent_added), what its outstanding offers hold, and what its live
// tasks hold.
type invAgent struct {
	total model.Resources
	known bool
	// offered and used are owned by the account and updated in place.
	offered, used model.Tally
}

type invOffer struct {
	agent string
	res   model.Resources
}

func (c *Checker) acct(agent string) *invAgent {
	a := c.agents[agent]
	if a == nil {
		a = &invAgent{}
		c.agents[agent] = a
	}
	return a
}

// syncHeld counts a task's resources on its agent, or stops counting
// them, as the task's state says: a task is counted from its launch while
// the master holds it live (not terminal: the master recovers resources
// on the terminal update; nor UNREACHABLE: the master leaves those out
// when the agent comes back) and the agent has not ended it. Both sides
// must agree, so the count never exceeds what the master's books or the
// agent's executors hold.
func (c *Checker) syncHeld(t *invTask) {
	want := t.launched && t.masterLive && !t.agentEnded
	if want == t.held {
		return
	}
	t.held = want
	a := c.acct(t.agent)
	if want {
		a.used.Add(t.res)
	} else {
		a.used.Sub(t.res)
	}
}

func (c *Checker) offered(r *model.Record) {
	a := c.acct(r.Agent)
	v := Violation{T: r.T, Invariant: InvResources, Agent: r.Agent}
	if _, dup := c.offers[r.Offer]; dup {
		v.Detail = "offer " + r.Offer + " made again while outstanding"
		c.violate(v)
	}
	if invHasNonScalar(r.Resources) {
		// Scalars are checked by the sum below; ranges and sets add up by
		// union, so an overlap must be looked for.
		if x := invIntersect(r.Resources, a.offered.View()); !x.IsEmpty() {
			v.Detail = "offer " + r.Offer + " holds " + x.String() + ", already in another outstanding offer"
			c.violate(v)
		} else if x := invIntersect(r.Resources, a.used.View()); !x.IsEmpty() {
			v.Detail = "offer " + r.Offer + " holds " + x.String() + ", used by a live task"
			c.violate(v)
		}
	}
	c.offers[r.Offer] = invOffer{agent: r.Agent, res: r.Resources}
	a.offered.Add(r.Resources)
	c.checkFits(r.T, r.Agent, a)
}

func (c *Checker) offerEnded(r *model.Record) {
	o, ok := c.offers[r.Offer]
	if !ok {
		c.violate(Violation{T: r.T, Invariant: InvResources, Agent: r.Agent,
			Detail: "offer " + r.Offer + " ended (" + r.Kind + ") but was not outstanding: ended twice, or never made"})
		return
	}
	delete(c.offers, r.Offer)
	a := c.acct(o.agent)
	a.offered.Sub(o.res)
}

// checkFits checks that an agent's outstanding offers plus live tasks fit
// in its resources.
func (c *Checker) checkFits(now sim.Time, agent string, a *invAgent) {
	if !a.known {
		return
	}
	if !a.total.ContainsSum(a.used.View(), a.offered.View()) {
		c.violate(Violation{T: now, Invariant: InvResources, Agent: agent,
			Detail: "outstanding offers (" + a.offered.View().String() + ") plus live tasks (" + a.used.View().String() +
				") exceed the agent's " + a.total.String()})
	}
}

func invHasNonScalar(r model.Resources) bool {
	for _, e := range r.Items() {
		if !e.IsScalar() {
			return true
		}
	}
	return false
}

// intersect returns the ranges and set items of a also in b.
func invIntersect(a, b model.Resources) model.Resources {
	a = a.Filter(func(e model.Resource) bool { return !e.IsScalar() })
	return a.Sub(a.Sub(b))
}
