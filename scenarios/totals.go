package scenarios

import (
	"fmt"

	"github.com/mesosim/mesosim/model"
)

// MaxClusterScalar bounds the cluster's total of any one scalar resource,
// over the top-level agents and every timeline add_agent: 1e15 units
// (1e18 milli-units). Each agent is within model.MaxScalar on its own;
// this keeps the sums the master, the allocators and the summary make
// within the int64 fixed point, so none saturates.
const MaxClusterScalar model.Milli = 1e18

// clusterTotals refuses a cluster whose total of a scalar resource is over
// MaxClusterScalar, at the agent that takes it over.
func (d *decoder) clusterTotals(sc *Scenario) {
	totals := map[string]model.Milli{}
	add := func(a *AgentSpec, path string) {
		for _, name := range a.Resources.ScalarNames() {
			v := a.Resources.Scalar(name)
			if totals[name] > MaxClusterScalar-v {
				d.failf(a.Line, "%s: agent %q takes the cluster's total %s over the limit of %s (1e15 units over all agents together)",
					path, a.Name, name, fmt.Sprint(int64(MaxClusterScalar/1000)))
			}
			totals[name] += v
		}
	}
	for i := range sc.Agents {
		add(&sc.Agents[i], "agents")
	}
	for _, p := range d.events {
		if p.ev.Kind == KindAddAgent {
			add(p.ev.Agent, "timeline.add_agent")
		}
	}
}
