package report

import (
	"math/rand/v2"
	"testing"

	"github.com/mesosim/mesosim/model"
)

// The checker's resource accounts (scalar vectors by slot, ranges and sets
// in a Tally) follow a model.Tally fed the same changes: the same text,
// and the same verdict as Resources.ContainsSum.
func TestInvResMatchesTally(t *testing.T) {
	parts := []model.Resources{
		model.MustParseResources("cpus:1;mem:128"),
		model.MustParseResources("cpus:0.5;mem(r1):64;disk:10"),
		model.MustParseResources("cpus(r1):2;ports:[31000-31004]"),
		model.MustParseResources("ports:[31002-31010];mem:1"),
		model.MustParseResources("gpus:1;cpus(r1/a):1.25"),
		model.MustParseResources("zones:{a,b};cpus:3"),
	}
	total := model.MustParseResources("cpus:4;cpus(r1):2;mem:512;mem(r1):64;ports:[31000-31008];disk:10;zones:{a,b,c}")
	rng := rand.New(rand.NewPCG(1, 2))
	c := NewChecker(nil, CheckerConfig{})
	for i := range 20 {
		c.slots = interner[invSlot]{}
		if i%2 == 1 {
			// Force the map index.
			for j := range internLinear + 1 {
				c.slot(&model.Resource{Name: "pad", Role: string(rune('a' + j))}, j)
			}
		}
		a := &invAgent{}
		c.setTotal(a, total)
		var used, offered model.Tally
		for range 200 {
			r := parts[rng.IntN(len(parts))]
			tally, acct := &used, &a.used
			if rng.IntN(2) == 0 {
				tally, acct = &offered, &a.offered
			}
			switch rng.IntN(5) {
			case 0, 1:
				tally.Add(r)
				c.add(acct, r)
			case 2, 3:
				tally.Sub(r)
				c.sub(acct, r)
			default:
				tally.Reset()
				acct.reset()
			}
			if got, want := c.text(&a.used), used.View().String(); got != want {
				t.Fatalf("used %q, tally %q", got, want)
			}
			if got, want := c.text(&a.offered), offered.View().String(); got != want {
				t.Fatalf("offered %q, tally %q", got, want)
			}
			if got, want := fits(a.total, a.totalScal, &a.used, &a.offered), total.ContainsSum(used.View(), offered.View()); got != want {
				t.Fatalf("fits %v, ContainsSum %v (used %s, offered %s)", got, want, used.View(), offered.View())
			}
		}
	}
}
