// Package explain turns a decision stream (report/decisions) into answers:
// each starvation episode of a framework, the allocator's reasons summed
// over agents and cycles, and the cycle from which the episode could no
// longer end by itself. docs/explain.md defines every rule.
package explain

import (
	"fmt"
	"slices"
	"sort"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report/decisions"
	"github.com/mesosim/mesosim/sim"
)

// Config selects what to explain.
type Config struct {
	// Framework is the framework to explain; "" explains none in detail
	// and tabulates every framework.
	Framework string
	// Agent, when set, counts only the visits of that agent.
	Agent string
	// From and To bound the time window (To 0: no bound); episodes are
	// clipped to it.
	From, To sim.Time
	// Min is the shortest episode reported (the longest is always
	// measured, as the summary's starvation).
	Min sim.Time
	// Spans, when positive, keeps each framework's first Spans reported
	// episodes as spans (start, end, main cause) in its Row; the rest are
	// counted in Row.SpansLeft. Memory stays bounded by Spans per
	// framework.
	Spans int
}

// Analyzer is a decisions.Consumer that gathers the episodes. Memory is
// per framework a few counters per reason and detail, plus the reported
// episodes of Config.Framework.
type Analyzer struct {
	cfg    Config
	header decisions.Line
	fws    map[string]*fw
	end    sim.Time
	ended  bool
	// per cycle scratch
	offered map[string]bool
	seen    map[string]bool
	agents  map[string]bool
}

// fw is one framework's state.
type fw struct {
	name, role string
	open       bool
	from       sim.Time
	cur        *acc
	// reported episodes (Config.Framework only) and totals.
	episodes []Episode
	longest  sim.Time
	total    sim.Time
	count    int
	causes   *acc // summed over reported episodes
	spans    []Span
	left     int // reported episodes past Config.Spans
}

// acc sums one episode's (or many episodes') visits.
type acc struct {
	cycles, visits int64
	by             map[string]int64         // reason -> visits
	detail         map[string]map[string]*d // reason -> detail key -> count
	stuckCycle     int64                    // first cycle of the current run of stuck cycles (0: none)
	stuckAt        sim.Time
}

type d struct {
	n    int64
	skip decisions.Skip
}

func newAcc() *acc {
	return &acc{by: map[string]int64{}, detail: map[string]map[string]*d{}}
}

// New returns an analyzer for cfg.
func New(cfg Config) *Analyzer {
	if cfg.To <= 0 {
		cfg.To = sim.Never
	}
	return &Analyzer{cfg: cfg, fws: map[string]*fw{}, offered: map[string]bool{}, seen: map[string]bool{}, agents: map[string]bool{}}
}

func (a *Analyzer) fw(name string) *fw {
	f := a.fws[name]
	if f == nil {
		f = &fw{name: name, causes: newAcc()}
		a.fws[name] = f
	}
	return f
}

// tracked reports whether name is analysed at all.
func (a *Analyzer) tracked(name string) bool { return a.cfg.Framework == "" || a.cfg.Framework == name }

// Line implements decisions.Consumer.
func (a *Analyzer) Line(l *decisions.Line) error {
	switch l.Kind {
	case decisions.KindHeader:
		a.header = decisions.Line{Kind: l.Kind, Version: l.Version, Scenario: l.Scenario, Seed: l.Seed, Policy: l.Policy}
	case decisions.KindStarve:
		if !a.tracked(l.Framework) {
			return nil
		}
		f := a.fw(l.Framework)
		if l.Open {
			f.open, f.from, f.cur = true, l.Time(), newAcc()
		} else if f.open {
			a.close(f, l.Time())
		}
	case decisions.KindCycle:
		a.cycle(l)
	case decisions.KindEnd:
		a.end, a.ended = l.Time(), true
		for _, name := range sortedKeys(a.fws) {
			if f := a.fws[name]; f.open {
				a.close(f, a.end)
			}
		}
	}
	return nil
}

// transient reasons are those a timer of the allocator or the master
// clears, or the next cycle's order may undo.
func transient(reason string) bool {
	switch reason {
	case model.ReasonFiltered, model.ReasonOfferLocked, model.ReasonTaken:
		return true
	}
	return false
}

func (a *Analyzer) cycle(l *decisions.Line) {
	t := l.Time()
	for _, r := range l.Roles {
		for _, x := range r.Frameworks {
			if f := a.fws[x.Framework]; f != nil {
				f.role = r.Role
			}
		}
	}
	if t < a.cfg.From || t > a.cfg.To {
		return
	}
	clear(a.offered)
	clear(a.seen)
	clear(a.agents)
	for _, o := range l.Offers {
		a.offered[o.Framework] = true
		a.agents[o.Agent] = true
	}
	stuck := map[string]bool{}
	for _, s := range l.Skips {
		a.agents[s.Agent] = true
		f := a.fws[s.Framework]
		if f == nil || !f.open || a.offered[s.Framework] {
			continue
		}
		if !a.seen[s.Framework] {
			a.seen[s.Framework] = true
			stuck[s.Framework] = true
		}
		if transient(s.Reason) {
			stuck[s.Framework] = false
		}
		if a.cfg.Agent != "" && s.Agent != a.cfg.Agent {
			continue
		}
		f.cur.add(s)
	}
	for _, name := range sortedKeys(a.fws) {
		f := a.fws[name]
		if !f.open || a.offered[name] {
			continue
		}
		if !a.seen[name] { // the allocator did not know it: not subscribed
			for _, ag := range sortedKeys(a.agents) {
				if a.cfg.Agent == "" || ag == a.cfg.Agent {
					f.cur.add(decisions.Skip{Agent: ag, Framework: name, Reason: model.ReasonInactive})
				}
			}
			stuck[name] = true
		}
		f.cur.cycles++
		if !stuck[name] {
			f.cur.stuckCycle = 0
		} else if f.cur.stuckCycle == 0 {
			f.cur.stuckCycle, f.cur.stuckAt = l.Cycle, t
		}
	}
}

// detailKey is what separates two reasons worth telling apart in words.
func detailKey(s decisions.Skip) string {
	switch s.Reason {
	case model.ReasonExhausted, model.ReasonTaken, model.ReasonOfferLocked:
		return s.By + "\x00" + s.ByRole
	case model.ReasonFiltered:
		return fmt.Sprint(s.Refuse)
	case model.ReasonMinAllocatable:
		return s.Min
	case model.ReasonHeadroom, model.ReasonQuotaLimit:
		return s.QuotaRole + "\x00" + s.Limit
	}
	return ""
}

func (c *acc) add(s decisions.Skip) {
	c.addN(s, 1)
}

func (c *acc) addN(s decisions.Skip, n int64) {
	c.visits += n
	c.by[s.Reason] += n
	m := c.detail[s.Reason]
	if m == nil {
		m = map[string]*d{}
		c.detail[s.Reason] = m
	}
	k := detailKey(s)
	x := m[k]
	if x == nil {
		x = &d{}
		m[k] = x
	}
	x.n += n
	x.skip = s // the latest, for its shares
}

// merge adds o into c.
func (c *acc) merge(o *acc) {
	c.cycles += o.cycles
	for _, r := range sortedKeys(o.detail) {
		for _, k := range sortedKeys(o.detail[r]) {
			x := o.detail[r][k]
			c.addN(x.skip, x.n)
		}
	}
}

// close ends f's open interval at t.
func (a *Analyzer) close(f *fw, t sim.Time) {
	f.open = false
	from, to := max(f.from, a.cfg.From), min(t, a.cfg.To)
	if to < from {
		return
	}
	n := to - from
	f.longest = max(f.longest, n)
	if n < a.cfg.Min || n == 0 {
		return
	}
	f.count++
	f.total += n
	f.causes.merge(f.cur)
	if f.name == a.cfg.Framework {
		f.episodes = append(f.episodes, episode(f, from, to))
	}
	if a.cfg.Spans > 0 {
		if len(f.spans) < a.cfg.Spans {
			sp := Span{From: from, To: to}
			if cs := f.cur.list(); len(cs) > 0 {
				sp.Cause = cs[0].Reason
			}
			f.spans = append(f.spans, sp)
		} else {
			f.left++
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// causes lists c's reasons, most visits first (ties in docs order), each
// with its most frequent detail.
func (c *acc) list() []Cause {
	var out []Cause
	for _, r := range model.Reasons {
		n := c.by[r]
		if n == 0 {
			continue
		}
		var top *d
		for _, k := range sortedKeys(c.detail[r]) {
			if x := c.detail[r][k]; top == nil || x.n > top.n {
				top = x
			}
		}
		out = append(out, Cause{Reason: r, Visits: n, Percent: 100 * float64(n) / float64(c.visits), Detail: top.skip})
	}
	slices.SortStableFunc(out, func(x, y Cause) int {
		switch {
		case x.Visits > y.Visits:
			return -1
		case x.Visits < y.Visits:
			return 1
		}
		return 0
	})
	return out
}
