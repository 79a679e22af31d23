package policies

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/mesosim/mesosim/model"
	"pgregory.net/rapid"
)

// decSink keeps copies of every cycle's decisions.
type decSink struct{ cycles []model.Decision }

func (s *decSink) Decided(d *model.Decision) {
	s.cycles = append(s.cycles, model.Decision{Ordered: d.Ordered,
		Roles:  slices.Clone(d.Roles),
		Offers: slices.Clone(d.Offers),
		Skips:  slices.Clone(d.Skips)})
}

// decPropCase draws a random scenario (apropGenScenario), a policy and
// maybe a quota on r1, and runs it with decisions recorded. It returns
// the records, as strings and as records, and the decisions.
func decPropRun(t *rapid.T, s apropScenario, policy string, quota *model.Quota, sink model.DecisionSink) ([]string, []model.Record) {
	var strs []string
	var recs []model.Record
	apropRunWith(s, t.Fatalf, func(r *model.Record) {
		strs = append(strs, apropRecordString(r))
		recs = append(recs, *r)
	}, func(cfg model.AllocatorConfig) model.Allocator {
		cfg.Decisions = sink
		cfg.Capacity = map[string]model.Capacity{"r1": {Capacity: 0.3, MaxCapacity: 0.5}}
		a, err := NewAllocator(policy, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}, func(w *model.World) {
		if quota != nil {
			w.At(0, func() { w.SetQuota("r1", *quota) })
		}
	})
	return strs, recs
}

// TestDecisionsPropExactlyOneReason: in random scenarios under every
// policy, with and without a quota, every (candidate agent, known
// framework) pair of every cycle is either offered (and then the master
// makes exactly that offer, and no reason is recorded for the pair) or has
// exactly one reason from the closed set; and recording changes no record
// of the run.
func TestDecisionsPropExactlyOneReason(t *testing.T) {
	reasons := map[string]int{}
	rapid.Check(t, func(t *rapid.T) {
		s := apropGenScenario(t)
		policy := rapid.SampledFrom(AllocatorNames()).Draw(t, "policy")
		var quota *model.Quota
		if rapid.Bool().Draw(t, "quota") {
			g, _ := model.ParseQuantities(rapid.SampledFrom([]string{"cpus:1", "cpus:2;mem:1024", "mem:256"}).Draw(t, "guarantee"))
			l, _ := model.ParseQuantities(rapid.SampledFrom([]string{"", "cpus:3", "cpus:2;mem:2048"}).Draw(t, "limit"))
			quota = &model.Quota{Guarantee: g, Limit: l}
		}
		sink := &decSink{}
		with, recs := decPropRun(t, s, policy, quota, sink)
		without, _ := decPropRun(t, s, policy, quota, nil)
		for i := range min(len(with), len(without)) {
			if with[i] != without[i] {
				t.Fatalf("recording decisions changed record %d:\n  with:    %s\n  without: %s", i, with[i], without[i])
			}
		}
		if len(with) != len(without) {
			t.Fatalf("recording decisions changed the run (%d records against %d)", len(with), len(without))
		}
		live := map[string]bool{}
		var known map[string]bool // the frameworks the allocator knew in the cycle
		cycle, candidates := -1, 0
		var offers []model.Pair
		check := func() {
			if cycle < 0 {
				return
			}
			d := sink.cycles[cycle]
			if !slices.EqualFunc(d.Offers, offers, func(a, b model.Pair) bool { return a.Agent == b.Agent && a.Framework == b.Framework }) {
				t.Fatalf("cycle %d: decisions offer %v, the master offered %v", cycle+1, d.Offers, offers)
			}
			seen := map[string]int{}
			agents := map[string]bool{}
			for _, p := range d.Offers {
				seen[p.Agent+" "+p.Framework] = -1
				agents[p.Agent] = true
			}
			for _, sk := range d.Skips {
				k := sk.Agent + " " + sk.Framework
				if seen[k] < 0 {
					t.Fatalf("cycle %d: %s offered and skipped (%s)", cycle+1, k, sk.Reason)
				}
				seen[k]++
				agents[sk.Agent] = true
				if !slices.Contains(model.Reasons, sk.Reason) || sk.Reason == model.ReasonOfferLocked {
					t.Fatalf("cycle %d: %s: reason %q is not one the allocator gives", cycle+1, k, sk.Reason)
				}
				if sk.Reason == model.ReasonTaken && !slices.ContainsFunc(d.Offers, func(p model.Pair) bool { return p.Agent == sk.Agent && p.Framework == sk.By }) {
					t.Fatalf("cycle %d: %s taken by %s, which got no offer of it", cycle+1, k, sk.By)
				}
				reasons[sk.Reason]++
			}
			for a := range agents {
				for f := range known {
					if n := seen[a+" "+f]; n != 1 && n != -1 {
						t.Fatalf("cycle %d: pair %s %s has %d reasons and no offer\n%+v", cycle+1, a, f, n, d)
					}
				}
			}
			if len(known) > 0 && len(agents) != candidates {
				t.Fatalf("cycle %d: decisions for %d agents, %d candidates", cycle+1, len(agents), candidates)
			}
			for k := range seen {
				var a, f string
				fmt.Sscan(k, &a, &f)
				if !known[f] {
					t.Fatalf("cycle %d: %s is not a known framework", cycle+1, f)
				}
			}
		}
		for _, r := range recs {
			switch r.Kind {
			case model.KindFrameworkAdded:
				live[r.Framework] = true
			case model.KindFrameworkRemoved:
				delete(live, r.Framework)
			case model.KindAllocation:
				check()
				cycle++
				offers, candidates = offers[:0], r.Agents
				known = maps.Clone(live)
				if cycle >= len(sink.cycles) {
					t.Fatalf("cycle %d has no decisions (%d recorded)", cycle+1, len(sink.cycles))
				}
			case model.KindOffer:
				offers = append(offers, model.Pair{Agent: r.Agent, Framework: r.Framework})
			}
		}
		check()
		if cycle+1 != len(sink.cycles) {
			t.Fatalf("%d cycles, %d decisions", cycle+1, len(sink.cycles))
		}
	})
	t.Logf("reasons seen: %v", reasons)
	for _, r := range []string{model.ReasonExhausted, model.ReasonFiltered, model.ReasonInactive, model.ReasonTaken} {
		if reasons[r] == 0 {
			t.Errorf("no pair with reason %s in any scenario: the generator misses it", r)
		}
	}
}
