package explain_test

import (
	"fmt"
	"os"

	"github.com/mesosim/mesosim/report/decisions"
	"github.com/mesosim/mesosim/report/explain"
	"github.com/mesosim/mesosim/sim"
)

// An analyzer fed a decision stream by hand: framework f starves from 0 to
// 4s; its first cycle meets a filter, the next two find the agent held by
// framework g.
func Example() {
	a := explain.New(explain.Config{Framework: "f"})
	roles := []decisions.Role{
		{Role: "ra", Share: 1, Weight: 1, Frameworks: []decisions.Framework{{Framework: "g", Share: 1}}},
		{Role: "rb", Share: 0, Weight: 1, Frameworks: []decisions.Framework{{Framework: "f", Share: 0}}},
	}
	held := decisions.Skip{Agent: "a1", Framework: "f", Reason: "exhausted", By: "g", ByRole: "ra", ByShare: 1, Weight: 1}
	for _, l := range []decisions.Line{
		{Kind: decisions.KindHeader, Version: decisions.Version, Scenario: "demo", Seed: 1, Policy: "drf"},
		{Kind: decisions.KindStarve, T: 0, Framework: "f", Open: true},
		{Kind: decisions.KindCycle, T: int64(sim.Second), Cycle: 1, Ordered: true, Roles: roles,
			Skips: []decisions.Skip{{Agent: "a1", Framework: "f", Reason: "filtered", Until: int64(3 * sim.Second), Refuse: int64(3 * sim.Second)}}},
		{Kind: decisions.KindCycle, T: int64(2 * sim.Second), Cycle: 2, Ordered: true, Roles: roles, Skips: []decisions.Skip{held}},
		{Kind: decisions.KindCycle, T: int64(3 * sim.Second), Cycle: 3, Ordered: true, Roles: roles, Skips: []decisions.Skip{held}},
		{Kind: decisions.KindEnd, T: int64(4 * sim.Second)},
	} {
		if err := a.Line(&l); err != nil {
			fmt.Println(err)
		}
	}
	rep, err := a.Report()
	if err != nil {
		fmt.Println(err)
		return
	}
	rep.WriteText(os.Stdout)
	// Output:
	// framework f (role rb), scenario demo, seed 1, policy drf: longest starvation 4s, 1 episode(s) reported
	//
	// from 0s to 4s (3 cycles): 67% of agent visits found nothing left (held by framework g, role ra, share 1.00 against yours 0.00 at weight 1), 33% filtered by your own declines (refuse_seconds 3). From cycle 2 (at 2s) on it could no longer end by itself: every visit found a reason no timer clears, so only another actor (a task ending, a revive, an operator) could end it.
}
