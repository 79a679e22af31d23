package report

import (
	"maps"
	"slices"
	"strings"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Series is an observer that cuts a Summary's accounting into fixed
// intervals: for every interval and every entity (the cluster, each role,
// each framework, each agent pool) the same time-weighted means the summary
// gives over the whole run, plus counts and wait quantiles of the interval.
// docs/series.md defines every metric.
//
// There is one accounting path: Series reads the summary's integrals at
// each boundary (without changing them) and differences them, so that the
// time-weighted mean of an interval metric over the run is the summary's
// mean, up to float rounding.
//
// Series forwards every record to its summary: register the Series with
// the world instead of the Summary. Rows come in time order, then scope
// (cluster, role, framework, pool), then name, then metric order; names
// are sorted, so output never depends on map iteration order.
type Series struct {
	sum      *Summary
	interval sim.Time
	horizon  sim.Time // the run's end: records there belong to the last interval
	start    sim.Time // start of the open interval
	prev     seriesMark
	fwNames  []string
	rows     []SeriesRow
}

// SeriesRow is one value of a Series: metric Metric of entity Name in
// Scope over [T, End). OK is false when the interval has no data for the
// metric (a wait quantile with no task launched).
type SeriesRow struct {
	T      sim.Time
	End    sim.Time
	Scope  string
	Name   string
	Metric string
	Value  float64
	OK     bool
}

// Series scopes.
const (
	ScopeCluster   = "cluster"
	ScopeRole      = "role"
	ScopeFramework = "framework"
	ScopePool      = "pool"
)

// MaxSeriesIntervals bounds how many intervals a series may have.
const MaxSeriesIntervals = 100_000

// seriesMark is every cumulative quantity at one boundary, by entity.
type seriesMark struct {
	cluster markAcct
	total   markAcct
	ents    map[string]markAcct // "framework/NAME", "role/NAME"
	counts  map[string]markCount
	waits   map[string]int // framework name -> len(waits)
	cnt     markCount      // the cluster's counts
}

// markAcct is an account's integrals closed at a boundary.
type markAcct struct {
	share  float64
	ints   []float64
	locked []float64
}

type markCount struct{ offers, declined, rescinded, launched, finished int64 }

// NewSeries returns a series of sum cut every interval (> 0) from time 0
// up to horizon (the end the run's Finish is given; sim.Never when not
// known, and then a record at a boundary instant opens the next
// interval even at the end of the run).
func NewSeries(sum *Summary, interval, horizon sim.Time) *Series {
	return &Series{sum: sum, interval: interval, horizon: horizon}
}

// Observe implements model.Observer: it closes every interval that ends at
// or before r's time, then hands r to the summary. Intervals are [time,
// end), except the last, which also holds the records at the horizon.
func (s *Series) Observe(r *model.Record) {
	for b := s.start + s.interval; r.T >= b && b < s.horizon; b = s.start + s.interval {
		s.cut(b)
	}
	s.sum.Observe(r)
}

// Finish closes the intervals up to end, the horizon (the last one partial
// if end is not on a boundary), and returns every row. The summary's
// Finish may be called before or after. An end before the latest record
// is taken as that record's time, as the summary's Finish does.
func (s *Series) Finish(end sim.Time) []SeriesRow {
	end = max(end, s.sum.now)
	for s.start+s.interval < end {
		s.cut(s.start + s.interval)
	}
	if end > s.start {
		s.cut(end)
	}
	return s.rows
}

// Interval is the series' interval.
func (s *Series) Interval() sim.Time { return s.interval }

// peek returns a's integrals closed at b >= a.last, without changing a.
// The cluster total has not changed since a.last (see Summary.accrue), so
// the share over [a.last, b] is the share against the current total.
func (s *Summary) peek(a, l *account, b sim.Time) markAcct {
	m := markAcct{share: a.intShare, ints: slices.Clone(a.ints)}
	for len(m.ints) < len(s.names.keys) {
		m.ints = append(m.ints, 0)
	}
	if d := float64(b - a.last); d > 0 {
		if !a.noShare {
			if sh := s.share(a.alloc); sh != 0 {
				m.share += sh * d
			}
		}
		for i, x := range a.alloc {
			if x != 0 {
				m.ints[i] += float64(x) * d
			}
		}
	}
	if l != nil {
		m.locked = s.peek(l, nil, b).ints
	}
	return m
}

// mark takes every cumulative quantity at b.
func (s *Series) mark(b sim.Time) seriesMark {
	sm := s.sum
	m := seriesMark{
		cluster: sm.peek(&sm.cluster, &sm.locked, b),
		total:   sm.peek(&sm.total, nil, b),
		ents:    map[string]markAcct{},
		counts:  map[string]markCount{},
		waits:   map[string]int{},
		cnt:     markCount{sm.offersN, sm.declined, sm.rescinded, sm.launched, sm.finsh},
	}
	for _, f := range sm.frameworks {
		m.ents["framework/"+f.name] = sm.peek(&f.acct, &f.locked, b)
		m.counts["framework/"+f.name] = markCount{f.offers, f.declined, f.rescinded, f.launched, f.finished}
		m.waits[f.name] = len(f.waits)
	}
	for _, r := range sm.roleList {
		m.ents["role/"+r.name] = sm.peek(&r.acct, &r.locked, b)
	}
	return m
}

// cut closes the interval [s.start, b) and emits its rows.
func (s *Series) cut(b sim.Time) {
	cur := s.mark(b)
	t0 := s.start
	dt := float64(b - t0)
	sm := s.sum
	emit := func(scope, name, metric string, v float64, ok bool) {
		s.rows = append(s.rows, SeriesRow{T: t0, End: b, Scope: scope, Name: name, Metric: metric, Value: v, OK: ok})
	}
	dTot := diff(cur.total.ints, s.prev.total.ints)

	// The cluster.
	emitAcct(emit, ScopeCluster, ScopeCluster, cur.cluster, s.prev.cluster, dTot, dt, false, 0)
	for i, name := range sm.names.keys {
		if dTot[i] > 0 {
			emit(ScopeCluster, ScopeCluster, "util_"+name, diff(cur.cluster.ints, s.prev.cluster.ints)[i]/dTot[i], true)
		}
	}
	emit(ScopeCluster, ScopeCluster, "total_cpus", dTot[cpusIdx]/dt/1000, true)
	emit(ScopeCluster, ScopeCluster, "total_mem", dTot[memIdx]/dt/1000, true)
	var pending, running int
	for _, f := range sm.frameworks {
		pending += f.pending
		running += f.running()
	}
	emit(ScopeCluster, ScopeCluster, "pending_tasks", float64(pending), true)
	emit(ScopeCluster, ScopeCluster, "running_tasks", float64(running), true)
	emitCounts(emit, ScopeCluster, ScopeCluster, cur.cnt, s.prev.cnt)
	var all []float64
	for _, f := range sm.frameworks {
		all = append(all, f.waits[s.prev.waits[f.name]:]...)
	}
	emitWaits(emit, ScopeCluster, ScopeCluster, all)

	// Roles, by name.
	roles := slices.Clone(sm.roleList)
	slices.SortFunc(roles, func(a, b *role) int { return strings.Compare(a.name, b.name) })
	for _, r := range roles {
		if len(r.frameworks) == 0 {
			continue
		}
		key := "role/" + r.name
		emitAcct(emit, ScopeRole, r.name, cur.ents[key], s.prev.ents[key], dTot, dt, true, r.weight)
		var c, p markCount
		var waits []float64
		pending, running = 0, 0
		for _, f := range r.frameworks {
			c = c.add(cur.counts["framework/"+f.name])
			p = p.add(s.prev.counts["framework/"+f.name])
			waits = append(waits, f.waits[s.prev.waits[f.name]:]...)
			pending += f.pending
			running += f.running()
		}
		emit(ScopeRole, r.name, "pending_tasks", float64(pending), true)
		emit(ScopeRole, r.name, "running_tasks", float64(running), true)
		emitCounts(emit, ScopeRole, r.name, c, p)
		emitWaits(emit, ScopeRole, r.name, waits)
	}

	// Frameworks, by name.
	if len(s.fwNames) != len(sm.frameworks) {
		s.fwNames = slices.Sorted(maps.Keys(sm.frameworks))
	}
	for _, name := range s.fwNames {
		f := sm.frameworks[name]
		key := "framework/" + name
		emitAcct(emit, ScopeFramework, name, cur.ents[key], s.prev.ents[key], dTot, dt, true, f.role.weight)
		emit(ScopeFramework, name, "pending_tasks", float64(f.pending), true)
		emit(ScopeFramework, name, "running_tasks", float64(f.running()), true)
		emitCounts(emit, ScopeFramework, name, cur.counts[key], s.prev.counts[key])
		emitWaits(emit, ScopeFramework, name, slices.Clone(f.waits[s.prev.waits[name]:]))
	}

	s.emitPools(emit)
	s.prev = cur
	s.start = b
}

// emitAcct emits the allocation metrics of one account between two marks:
// allocated and offered CPUs and memory (time-weighted means), their share
// of the cluster, the locked (offered) shares and, with share, the
// dominant share and the dominant share over weight.
func emitAcct(emit func(string, string, string, float64, bool), scope, name string, cur, prev markAcct, dTot []float64, dt float64, share bool, weight float64) {
	a := diff(cur.ints, prev.ints)
	l := diff(cur.locked, prev.locked)
	emit(scope, name, "allocated_cpus", atf(a, cpusIdx)/dt/1000, true)
	emit(scope, name, "allocated_mem", atf(a, memIdx)/dt/1000, true)
	emit(scope, name, "offered_cpus", atf(l, cpusIdx)/dt/1000, true)
	emit(scope, name, "offered_mem", atf(l, memIdx)/dt/1000, true)
	emit(scope, name, "cpu_share", ratio(atf(a, cpusIdx), atf(dTot, cpusIdx)), true)
	emit(scope, name, "mem_share", ratio(atf(a, memIdx), atf(dTot, memIdx)), true)
	emit(scope, name, "locked_cpu_share", ratio(atf(l, cpusIdx), atf(dTot, cpusIdx)), true)
	emit(scope, name, "locked_mem_share", ratio(atf(l, memIdx), atf(dTot, memIdx)), true)
	if share {
		ds := (cur.share - prev.share) / dt
		emit(scope, name, "dominant_share", ds, true)
		emit(scope, name, "weighted_dominant_share", ds/weight, true)
	}
}

// emitCounts emits the offer and task counts between two marks.
func emitCounts(emit func(string, string, string, float64, bool), scope, name string, cur, prev markCount) {
	emit(scope, name, "offers", float64(cur.offers-prev.offers), true)
	emit(scope, name, "declined", float64(cur.declined-prev.declined), true)
	emit(scope, name, "rescinded", float64(cur.rescinded-prev.rescinded), true)
	emit(scope, name, "tasks_launched", float64(cur.launched-prev.launched), true)
	emit(scope, name, "tasks_finished", float64(cur.finished-prev.finished), true)
}

// emitWaits emits the p50 and p95 waits of the tasks launched in the
// interval (waits, which it sorts), with no data when there are none.
func emitWaits(emit func(string, string, string, float64, bool), scope, name string, waits []float64) {
	w := waitStats(waits)
	ok := w.WaitCount > 0
	emit(scope, name, "wait_p50", w.WaitP50, ok)
	emit(scope, name, "wait_p95", w.WaitP95, ok)
}

func (c markCount) add(d markCount) markCount {
	return markCount{c.offers + d.offers, c.declined + d.declined, c.rescinded + d.rescinded,
		c.launched + d.launched, c.finished + d.finished}
}

// diff is cur - prev, element by element, as long as the longer.
func diff(cur, prev []float64) []float64 {
	out := make([]float64, max(len(cur), len(prev)))
	for i := range out {
		out[i] = atf(cur, i) - atf(prev, i)
	}
	return out
}

// running counts the tasks f holds now (launched, not yet terminal).
func (f *framework) running() int {
	n := 0
	for h := f.held.head; h != nil; h = h.fNext {
		if h.isTask {
			n++
		}
	}
	return n
}

// PoolOf is the agent pool of an agent name: the name without a trailing
// "-N" (the names a scenario's `count` gives), else the name itself.
func PoolOf(agent string) string {
	i := strings.LastIndexByte(agent, '-')
	if i <= 0 || i == len(agent)-1 {
		return agent
	}
	for _, c := range agent[i+1:] {
		if c < '0' || c > '9' {
			return agent
		}
	}
	return agent[:i]
}

// emitPools emits, for every agent pool with an agent up, its agents,
// capacity and allocation at the end of the interval (values at the
// boundary, not time-weighted: the summary keeps no per-agent integrals).
func (s *Series) emitPools(emit func(string, string, string, float64, bool)) {
	type pool struct {
		agents         int
		cpus, mem      int64
		usedC, usedMem int64
	}
	pools := map[string]*pool{}
	for name, a := range s.sum.agents {
		if !a.up {
			continue
		}
		pn := PoolOf(name)
		p := pools[pn]
		if p == nil {
			p = &pool{}
			pools[pn] = p
		}
		p.agents++
		p.cpus += at(a.res, cpusIdx)
		p.mem += at(a.res, memIdx)
		for h := a.held.head; h != nil; h = h.aNext {
			p.usedC += at(h.qty, cpusIdx)
			p.usedMem += at(h.qty, memIdx)
		}
	}
	for _, pn := range slices.Sorted(maps.Keys(pools)) {
		p := pools[pn]
		emit(ScopePool, pn, "agents", float64(p.agents), true)
		emit(ScopePool, pn, "total_cpus", float64(p.cpus)/1000, true)
		emit(ScopePool, pn, "total_mem", float64(p.mem)/1000, true)
		emit(ScopePool, pn, "allocated_cpus", float64(p.usedC)/1000, true)
		emit(ScopePool, pn, "allocated_mem", float64(p.usedMem)/1000, true)
		emit(ScopePool, pn, "cpu_share", ratio(float64(p.usedC), float64(p.cpus)), true)
		emit(ScopePool, pn, "mem_share", ratio(float64(p.usedMem), float64(p.mem)), true)
	}
}
