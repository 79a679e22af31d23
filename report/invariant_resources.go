package report

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// invAgent is the resources invariant's account of one agent: its total
// (from agent_added, with its scalars by slot), what its outstanding
// offers hold, and what its live tasks hold.
type invAgent struct {
	total     model.Resources
	totalScal []model.Milli
	known     bool
	// offered and used are owned by the account and updated in place.
	offered, used invRes
}

// invOffer is an outstanding offer: its agent's account and resources.
type invOffer struct {
	acct *invAgent
	res  model.Resources
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
		c.add(&a.used, t.res)
	} else {
		c.sub(&a.used, t.res)
	}
}

func (c *Checker) offered(r *model.Record) {
	a := c.acct(r.Agent)
	v := Violation{T: r.T, Invariant: InvResources, Agent: r.Agent}
	if _, dup := c.offers.get(r.Offer); dup {
		v.Detail = "offer " + r.Offer + " made again while outstanding"
		c.violate(v)
	}
	if invHasNonScalar(r.Resources) {
		// Scalars are checked by the sum below; ranges and sets add up by
		// union, so an overlap must be looked for.
		if x := invIntersect(r.Resources, a.offered.other.View()); !x.IsEmpty() {
			v.Detail = "offer " + r.Offer + " holds " + x.String() + ", already in another outstanding offer"
			c.violate(v)
		} else if x := invIntersect(r.Resources, a.used.other.View()); !x.IsEmpty() {
			v.Detail = "offer " + r.Offer + " holds " + x.String() + ", used by a live task"
			c.violate(v)
		}
	}
	c.offers.set(r.Offer, invOffer{acct: a, res: r.Resources})
	c.add(&a.offered, r.Resources)
	c.checkFits(r.T, r.Agent, a)
}

func (c *Checker) offerEnded(r *model.Record) {
	o, ok := c.offers.get(r.Offer)
	if !ok {
		c.violate(Violation{T: r.T, Invariant: InvResources, Agent: r.Agent,
			Detail: "offer " + r.Offer + " ended (" + r.Kind + ") but was not outstanding: ended twice, or never made"})
		return
	}
	c.offers.del(r.Offer)
	c.sub(&o.acct.offered, o.res)
}

// setTotal records an agent's resources from its agent_added record.
func (c *Checker) setTotal(a *invAgent, r model.Resources) {
	a.total, a.known = r, true
	a.totalScal = c.scalars(a.totalScal, r)
}

// checkFits checks that an agent's outstanding offers plus live tasks fit
// in its resources.
func (c *Checker) checkFits(now sim.Time, agent string, a *invAgent) {
	if !a.known {
		return
	}
	if !fits(a.total, a.totalScal, &a.used, &a.offered) {
		c.violate(Violation{T: now, Invariant: InvResources, Agent: agent,
			Detail: "outstanding offers (" + c.text(&a.offered) + ") plus live tasks (" + c.text(&a.used) +
				") exceed the agent's " + a.total.String()})
	}
}

func invHasNonScalar(r model.Resources) bool {
	items := r.Items()
	for i := range items {
		if !items[i].IsScalar() {
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
