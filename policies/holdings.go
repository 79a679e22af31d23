package policies

import (
	"slices"
	"strings"

	"github.com/mesosim/mesosim/model"
)

// holding is what one framework holds on one agent. An agent keeps its
// holdings in a short slice (few frameworks run on one agent), and the
// framework the agents it holds on, so that booking an allocation hashes
// no name: the allocator's per-framework maps keyed by agent name cost a
// third of an allocation's time at 10k agents (BenchmarkDeclineOffers).
//
// A holding exists from the first allocation of the pair until a recovery
// leaves it empty, even if the resources allocated were empty, as an
// entry of a map would.
type holding struct {
	c   *client
	res model.Resources
	at  int // index of the agent in c.held
}

// holdingOf returns the index of c's holding in a.holdings, -1 if none.
func (a *agentState) holdingOf(c *client) int {
	for i := range a.holdings {
		if a.holdings[i].c == c {
			return i
		}
	}
	return -1
}

// heldBy returns what c holds on a and whether it holds anything there.
func (a *agentState) heldBy(c *client) (model.Resources, bool) {
	if i := a.holdingOf(c); i >= 0 {
		return a.holdings[i].res, true
	}
	return model.Resources{}, false
}

// hold adds res to c's holding on a.
func (a *agentState) hold(c *client, res model.Resources) {
	if i := a.holdingOf(c); i >= 0 {
		a.holdings[i].res = a.holdings[i].res.Add(res)
		return
	}
	a.holdings = append(a.holdings, holding{c: c, res: res, at: len(c.held)})
	c.held = append(c.held, a)
}

// release takes res from c's holding on a, dropping the holding when
// nothing is left.
func (a *agentState) release(c *client, res model.Resources) {
	i := a.holdingOf(c)
	if i < 0 {
		return
	}
	left := a.holdings[i].res.Sub(res)
	if !left.IsEmpty() {
		a.holdings[i].res = left
		return
	}
	// Swap the agent out of c.held, telling the agent moved into its
	// place where it now sits.
	at, last := a.holdings[i].at, len(c.held)-1
	if at != last {
		moved := c.held[last]
		c.held[at] = moved
		moved.holdings[moved.holdingOf(c)].at = at
	}
	c.held[last] = nil
	c.held = c.held[:last]
	a.holdings[i] = a.holdings[len(a.holdings)-1]
	a.holdings[len(a.holdings)-1] = holding{}
	a.holdings = a.holdings[:len(a.holdings)-1]
}

// heldAgents returns the agents c holds on, sorted by name.
func (c *client) heldAgents() []*agentState {
	out := slices.Clone(c.held)
	slices.SortFunc(out, func(x, y *agentState) int { return strings.Compare(x.name, y.name) })
	return out
}

// holders returns the clients holding on a, sorted by name.
func (a *agentState) holders() []*client {
	out := make([]*client, len(a.holdings))
	for i := range a.holdings {
		out[i] = a.holdings[i].c
	}
	slices.SortFunc(out, func(x, y *client) int { return strings.Compare(x.name, y.name) })
	return out
}
