package report

import (
	"math"
	"slices"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// SummaryConfig configures a Summary.
type SummaryConfig struct {
	// FairSharingExcluded names resources left out of dominant shares, as
	// the master's --fair_sharing_excluded_resource_names (e.g. gpus).
	FairSharingExcluded []string

	// Submitters names the frameworks that submit tasks (the workload
	// behaviour). A submitter has demand only while it has submitted tasks
	// not yet launched. Any other framework (hold, keep, decline) is taken
	// to want offers all the time, until its first task_submitted record
	// makes it a submitter. With nil, no framework is known in advance to
	// submit tasks: each one wants offers all the time until it submits
	// its first task.
	Submitters []string

	// Starving, when not nil, is told at each start (open) and end of one
	// of a framework's offerless intervals with demand, the intervals
	// starvation is the longest of (mesosim explain reads them). An
	// interval still open when the records stop gets no end call.
	Starving func(framework string, t sim.Time, open bool)
}

// Summary is an observer that accounts, from records alone, what every
// framework and role was allocated over time, and turns that into
// time-weighted shares, utilisations and locked (offered, unanswered)
// shares, Jain's fairness index, offer counts, task waits, job completion
// times and starvation. docs/summary.md defines each column.
//
// Resources count as allocated from the moment they are offered, as in
// Mesos's allocator: an `offer` adds its resources to the framework; a
// decline or rescind returns them; an accept returns the unused part, and
// the used part stays until the master sees each task reach a terminal
// state. Removing an agent returns every offer and task on it, and removing
// a framework returns every offer and task it held, as the allocator's
// removeSlave and removeFramework do. Quantities are summed by resource name
// over reservation roles (cpus and cpus(r1) are both cpus); only scalars
// count.
//
// Each record costs O(resource names) time, except that the first record at
// a new instant that changes the cluster total closes every framework's and
// role's time integrals, O(frameworks + roles), and that the fairness sums
// are rebuilt, O(roles × resource names), after a cluster total change or
// after every O(roles) incremental updates (amortised O(resource names) per
// record). Quantiles are computed at Finish. Output never depends on map
// iteration order.
type Summary struct {
	names interner[string] // resource names; index 0 is cpus, 1 mem
	excl  []bool           // by name index: left out of dominant shares

	now     sim.Time // time of the latest record
	totalsT sim.Time // time of the latest flush of all accounts

	total   account    // the cluster total, as an account
	cluster account    // everything allocated
	locked  account    // everything in outstanding offers
	accts   []*account // every framework and role allocation account, in creation order
	lockeds []*account // every framework and role locked account, in creation order

	frameworks map[string]*framework
	roles      map[string]*role
	roleList   []*role // in creation order
	agents     map[string]*agent
	offers     offerTable[*holding]
	tasks      map[taskKey]*holding
	pending    map[taskKey]*job // submitted, not yet launched; nil job when none
	jobs       map[jobKey]*job  // jobs with a task not yet terminal
	weights    map[string]float64
	submitters map[string]bool
	starving   func(framework string, t sim.Time, open bool)

	jain jainState

	agentsUp                                      int
	offersN, declined, rescinded, launched, finsh int64
	cycles                                        int64

	scratch []int64
	// free chains (by fNext) the holdings no map refers to any more, for
	// reuse with their qty arrays: no allocation per offer or task once
	// the run has warmed up.
	free *holding
}

const (
	cpusIdx = 0
	memIdx  = 1
)

// account is a piecewise-constant allocation vector and the integrals over
// time of its dominant share and of each resource, closed up to last.
type account struct {
	alloc    []int64 // milli-units, by name index
	last     sim.Time
	noShare  bool      // skip the dominant share integral
	intShare float64   // share × µs
	ints     []float64 // by name index: milli-units × µs
}

type framework struct {
	name   string
	role   *role
	acct   account  // allocated (offered or used by tasks)
	locked account  // in outstanding offers
	held   holdList // offers and tasks it holds now
	waits  []float64
	jobs   []float64 // completion times of its jobs, seconds

	active    bool     // added and not removed
	submits   bool     // a submitter (SummaryConfig.Submitters)
	pending   int      // submitted tasks not yet launched
	demanding bool     // has demand now (see demands)
	starveAt  sim.Time // while demanding: start of the current offerless interval
	starveMax sim.Time // longest closed offerless interval with demand

	offers, declined, rescinded, launched, finished int64
}

type role struct {
	name       string
	acct       account
	locked     account
	frameworks []*framework // in order of arrival

	weight float64 // from weight_set; 1 by default
	demand int     // how many of its frameworks have demand
	inJ    bool    // counted in the fairness sums
	x      float64 // its term in the fairness sums: dominant share / weight
}

type jobKey struct{ framework, job string }

// job is a job with a task not yet terminal.
type job struct {
	key   jobKey
	fw    *framework
	start sim.Time // its first task_submitted
	open  int      // tasks submitted and not yet terminal
}

type agent struct {
	res  []int64 // what agent_added brought
	up   bool
	held holdList // offers and tasks on it now
}

type taskKey struct{ framework, task string }

// holding is one outstanding offer or one task that still counts as
// allocated. It sits in two intrusive lists: its framework's and its
// agent's, so that removing either returns its resources in O(1) each.
type holding struct {
	fw     *framework
	ag     *agent
	qty    []int64
	active bool // still counted (and linked into both lists)
	offer  string
	isTask bool
	job    *job // a task's job, if known

	fPrev, fNext *holding
	aPrev, aNext *holding
}

type holdList struct{ head *holding }

// NewSummary returns an empty summary.
func NewSummary(cfg SummaryConfig) *Summary {
	s := &Summary{
		frameworks: map[string]*framework{},
		roles:      map[string]*role{},
		agents:     map[string]*agent{},
		tasks:      map[taskKey]*holding{},
		pending:    map[taskKey]*job{},
		jobs:       map[jobKey]*job{},
		weights:    map[string]float64{},
		submitters: map[string]bool{},
		starving:   cfg.Starving,
	}
	s.total.noShare = true
	s.locked.noShare = true
	for _, n := range cfg.Submitters {
		s.submitters[n] = true
	}
	s.intern("cpus", -1)
	s.intern("mem", -1)
	for _, n := range cfg.FairSharingExcluded {
		s.excl[s.intern(n, -1)] = true
	}
	return s
}

// intern returns the index of a resource name, the entry at position pos
// of its resources (-1: none).
func (s *Summary) intern(name string, pos int) int {
	i := s.names.index(name, pos)
	if i == len(s.excl) {
		s.excl = append(s.excl, false)
	}
	return i
}

// qty converts the scalar entries of r to a vector by name index, appended
// to dst[:0].
func (s *Summary) qty(dst []int64, r model.Resources) []int64 {
	dst = dst[:0]
	items := r.Items()
	for j := range items {
		e := &items[j]
		if !e.IsScalar() || e.Scalar == 0 {
			continue
		}
		i := s.intern(e.Name, j)
		for len(dst) <= i {
			dst = append(dst, 0)
		}
		dst[i] += int64(e.Scalar)
	}
	return dst
}

// share is the dominant share of alloc against the current cluster total:
// the largest alloc/total over resource names that are not excluded and
// whose total is positive. Unweighted.
func (s *Summary) share(alloc []int64) float64 {
	best := 0.0
	for i, a := range alloc {
		if a == 0 || s.excl[i] || i >= len(s.total.alloc) {
			continue
		}
		t := s.total.alloc[i]
		if t <= 0 {
			continue
		}
		if x := float64(a) / float64(t); x > best {
			best = x
		}
	}
	return best
}

// accrue closes a's integrals up to now. The cluster total has not changed
// since a.last (flushAll guarantees it), so the share over [a.last, now] is
// the share against the current total.
func (s *Summary) accrue(a *account, now sim.Time) {
	if dt := now - a.last; dt > 0 {
		d := float64(dt)
		if !a.noShare {
			if sh := s.share(a.alloc); sh != 0 {
				a.intShare += sh * d
			}
		}
		for len(a.ints) < len(a.alloc) {
			a.ints = append(a.ints, 0)
		}
		for i, x := range a.alloc {
			if x != 0 {
				a.ints[i] += float64(x) * d
			}
		}
	}
	if now > a.last {
		a.last = now
	}
}

func at(v []int64, i int) int64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}

func atf(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}

// addTo adds sign×q to a.alloc.
func addTo(a *account, q []int64, sign int64) {
	for len(a.alloc) < len(q) {
		a.alloc = append(a.alloc, 0)
	}
	for i, x := range q {
		a.alloc[i] += sign * x
	}
}

// flushAll closes every integral at s.now; called before the cluster total
// changes.
func (s *Summary) flushAll() {
	if s.now <= s.totalsT {
		return
	}
	for _, a := range s.accts {
		s.accrue(a, s.now)
	}
	s.accrue(&s.cluster, s.now)
	s.accrue(&s.total, s.now)
	s.totalsT = s.now
}

func (s *Summary) changeTotal(q []int64, sign int64) {
	s.flushAll()
	addTo(&s.total, q, sign)
	s.jain.dirty = true // every role's share changes
}

// allocate adds sign×q to f's allocation (and its role's and the cluster's).
func (s *Summary) allocate(f *framework, q []int64, sign int64) {
	if len(q) == 0 {
		return
	}
	for _, a := range [...]*account{&f.acct, &f.role.acct, &s.cluster} {
		s.accrue(a, s.now)
		addTo(a, q, sign)
	}
	s.jainUpdate(f.role)
}

// lock adds sign×q to what f has in outstanding offers (and its role's and
// the cluster's).
func (s *Summary) lock(f *framework, q []int64, sign int64) {
	if len(q) == 0 {
		return
	}
	for _, a := range [...]*account{&f.locked, &f.role.locked, &s.locked} {
		s.accrue(a, s.now)
		addTo(a, q, sign)
	}
}

func (s *Summary) newAccount(a *account) {
	a.last = s.now
	s.accts = append(s.accts, a)
}

func (s *Summary) newLocked(a *account) {
	a.last = s.now
	a.noShare = true
	s.lockeds = append(s.lockeds, a)
}

func (s *Summary) role(name string) *role {
	if name == "" {
		name = model.DefaultRole
	}
	r := s.roles[name]
	if r == nil {
		r = &role{name: name, weight: 1}
		if w, ok := s.weights[name]; ok {
			r.weight = w
		}
		s.newAccount(&r.acct)
		s.newLocked(&r.locked)
		s.roles[name] = r
		s.roleList = append(s.roleList, r)
	}
	return r
}

// framework returns the framework named name, creating it in roleName if it
// is new (a framework first seen in an offer gets the offer's role).
func (s *Summary) framework(name, roleName string) *framework {
	f := s.frameworks[name]
	if f == nil {
		f = &framework{name: name, role: s.role(roleName), active: true, submits: s.submitters[name]}
		f.role.frameworks = append(f.role.frameworks, f)
		s.newAccount(&f.acct)
		s.newLocked(&f.locked)
		s.frameworks[name] = f
		s.updateDemand(f)
	}
	return f
}

// setRole moves f, with what it holds now and its demand, to the role
// named name.
func (s *Summary) setRole(f *framework, name string) {
	r := s.role(name)
	if r == f.role {
		return
	}
	old := f.role
	s.accrue(&old.acct, s.now)
	addTo(&old.acct, f.acct.alloc, -1)
	s.accrue(&old.locked, s.now)
	addTo(&old.locked, f.locked.alloc, -1)
	old.frameworks = slices.DeleteFunc(old.frameworks, func(g *framework) bool { return g == f })
	f.role = r
	r.frameworks = append(r.frameworks, f)
	s.accrue(&r.acct, s.now)
	addTo(&r.acct, f.acct.alloc, 1)
	s.accrue(&r.locked, s.now)
	addTo(&r.locked, f.locked.alloc, 1)
	if f.demanding {
		old.demand--
		r.demand++
	}
	s.jainUpdate(old)
	s.jainUpdate(r)
}

// demands reports whether f has demand now: it is active and is either not
// a submitter or has submitted tasks not yet launched.
func (f *framework) demands() bool {
	return f.active && (!f.submits || f.pending > 0)
}

// updateDemand brings f's demand, its role's demand count, the fairness
// sums and f's starvation interval up to date.
func (s *Summary) updateDemand(f *framework) {
	d := f.demands()
	if d == f.demanding {
		return
	}
	f.demanding = d
	if d {
		s.startStarve(f)
		f.role.demand++
	} else {
		s.endStarve(f)
		f.role.demand--
	}
	s.jainUpdate(f.role)
}

// startStarve opens f's next offerless interval at s.now.
func (s *Summary) startStarve(f *framework) {
	f.starveAt = s.now
	if s.starving != nil {
		s.starving(f.name, s.now, true)
	}
}

// endStarve closes f's current offerless interval at s.now.
func (s *Summary) endStarve(f *framework) {
	if s.starving != nil {
		s.starving(f.name, s.now, false)
	}
	if d := s.now - f.starveAt; d > f.starveMax {
		f.starveMax = d
	}
}

func (s *Summary) agent(name string) *agent {
	a := s.agents[name]
	if a == nil {
		a = &agent{}
		s.agents[name] = a
	}
	return a
}

// hold records that f holds the scalars of r on agent ag and links the
// holding into both lists. It does not change any allocation: the caller
// allocates h.qty.
func (s *Summary) hold(f *framework, ag *agent, r model.Resources) *holding {
	h := s.free
	if h != nil { // forget cleared it but for qty and fNext, set below
		s.free = h.fNext
	} else {
		h = &holding{}
	}
	h.fw, h.ag, h.active = f, ag, true
	h.qty = s.qty(h.qty, r)
	h.fNext = f.held.head
	if h.fNext != nil {
		h.fNext.fPrev = h
	}
	f.held.head = h
	h.aNext = ag.held.head
	if h.aNext != nil {
		h.aNext.aPrev = h
	}
	ag.held.head = h
	return h
}

// unlink takes h out of both lists and marks it inactive. It does not
// change any allocation.
func (h *holding) unlink() {
	if !h.active {
		return
	}
	h.active = false
	if h.fPrev != nil {
		h.fPrev.fNext = h.fNext
	} else {
		h.fw.held.head = h.fNext
	}
	if h.fNext != nil {
		h.fNext.fPrev = h.fPrev
	}
	if h.aPrev != nil {
		h.aPrev.aNext = h.aNext
	} else {
		h.ag.held.head = h.aNext
	}
	if h.aNext != nil {
		h.aNext.aPrev = h.aPrev
	}
	h.fPrev, h.fNext, h.aPrev, h.aNext = nil, nil, nil, nil
}

// release returns h's resources and forgets an offer (h is then free for
// reuse: callers must not keep it). A released task stays in s.tasks
// (inactive) until the master sees it end, so that a later TASK_FINISHED
// still counts once; forget frees it then.
func (s *Summary) release(h *holding) {
	if !h.active {
		return
	}
	s.allocate(h.fw, h.qty, -1)
	h.unlink()
	if !h.isTask {
		s.lock(h.fw, h.qty, -1)
		s.offers.del(h.offer)
		s.forget(h)
	}
}

// forget puts h, inactive and in no map any more, on the free list.
func (s *Summary) forget(h *holding) {
	*h = holding{qty: h.qty[:0], fNext: s.free}
	s.free = h
}

// taskEnded counts one more terminal task of j, and records j's completion
// time when it was the last.
func (s *Summary) taskEnded(j *job) {
	if j == nil {
		return
	}
	j.open--
	if j.open == 0 {
		j.fw.jobs = append(j.fw.jobs, (s.now - j.start).Seconds())
		delete(s.jobs, j.key)
	}
}

// releaseAll releases holdings until head returns nil; each release
// unlinks the current head.
func (s *Summary) releaseAll(head func() *holding) {
	for h := head(); h != nil; h = head() {
		s.release(h)
	}
}

// Observe implements model.Observer.
func (s *Summary) Observe(r *model.Record) {
	if r.T > s.now {
		s.jainAccrue(r.T)
		s.now = r.T
	}
	switch r.Kind {
	case model.KindAgentAdded:
		a := s.agent(r.Agent)
		if a.up { // re-registration without removal: replace its total
			s.changeTotal(a.res, -1)
			s.agentsUp--
		}
		a.res = s.qty(nil, r.Resources)
		a.up = true
		s.agentsUp++
		s.changeTotal(a.res, 1)

	case model.KindAgentRemoved:
		a := s.agents[r.Agent]
		if a == nil || !a.up {
			return
		}
		s.releaseAll(func() *holding { return a.held.head })
		q := a.res
		if !r.Resources.IsEmpty() {
			q = s.qty(s.scratch, r.Resources)
			s.scratch = q
		}
		s.changeTotal(q, -1)
		a.up = false
		a.res = nil
		s.agentsUp--

	case model.KindFrameworkAdded:
		f := s.frameworks[r.Framework]
		if f == nil {
			s.framework(r.Framework, r.Role)
		} else {
			if r.Role != "" {
				s.setRole(f, r.Role)
			}
			f.active = true
			s.updateDemand(f)
		}

	case model.KindFrameworkRemoved:
		if f := s.frameworks[r.Framework]; f != nil {
			s.releaseAll(func() *holding { return f.held.head })
			f.active = false
			s.updateDemand(f)
		}

	case model.KindWeightSet:
		name := r.Role
		if name == "" {
			name = model.DefaultRole
		}
		w := r.Weight
		if !(w > 0) || math.IsInf(w, 1) {
			w = 1
		}
		s.weights[name] = w
		if ro := s.roles[name]; ro != nil {
			ro.weight = w
			s.jainUpdate(ro)
		}

	case model.KindAllocation:
		s.cycles++

	case model.KindOffer:
		f := s.framework(r.Framework, r.Role)
		f.offers++
		s.offersN++
		if old, _ := s.offers.get(r.Offer); old != nil { // a reused id: drop the old one
			s.release(old)
		}
		h := s.hold(f, s.agent(r.Agent), r.Resources)
		s.allocate(f, h.qty, 1)
		s.lock(f, h.qty, 1)
		h.offer = r.Offer
		s.offers.set(r.Offer, h)
		if f.demanding { // an offerless interval ends, the next begins
			s.endStarve(f)
			s.startStarve(f)
		}

	case model.KindOfferDeclined, model.KindOfferRescinded:
		h, _ := s.offers.get(r.Offer)
		var f *framework
		if h != nil && h.fw.name == r.Framework {
			f = h.fw // as s.framework finds it, without a lookup
		} else {
			f = s.framework(r.Framework, "")
		}
		if r.Kind == model.KindOfferDeclined {
			f.declined++
			s.declined++
		} else {
			f.rescinded++
			s.rescinded++
		}
		if h != nil {
			s.release(h)
		}

	case model.KindOfferAccepted:
		h, _ := s.offers.get(r.Offer)
		if h == nil {
			return
		}
		// Return the whole offer, then take back the part tasks use: the
		// used part then belongs to the tasks launched from it.
		used := s.qty(s.scratch, r.Resources)
		s.scratch = used
		f := h.fw
		s.release(h)
		s.allocate(f, used, 1)

	case model.KindTaskSubmitted:
		f := s.framework(r.Framework, "")
		f.submits = true
		k := taskKey{r.Framework, r.Task}
		if _, dup := s.pending[k]; !dup {
			var j *job
			if r.Job != "" {
				jk := jobKey{r.Framework, r.Job}
				if j = s.jobs[jk]; j == nil {
					j = &job{key: jk, fw: f, start: s.now}
					s.jobs[jk] = j
				}
				j.open++
			}
			s.pending[k] = j
			f.pending++
		}
		s.updateDemand(f)

	case model.KindTaskLaunched:
		f := s.framework(r.Framework, "")
		f.launched++
		s.launched++
		if r.Submitted >= 0 {
			f.waits = append(f.waits, (r.T - r.Submitted).Seconds())
		}
		k := taskKey{r.Framework, r.Task}
		j, wasPending := s.pending[k]
		if wasPending {
			delete(s.pending, k)
			f.pending--
			s.updateDemand(f)
		}
		if old := s.tasks[k]; old != nil { // launched twice: keep the latest
			if j == nil {
				j = old.job
			}
			s.release(old)
			s.forget(old)
		}
		h := s.hold(f, s.agent(r.Agent), r.Resources)
		h.isTask = true
		h.job = j
		s.tasks[k] = h

	case model.KindTaskStatus:
		if r.SeenBy != "master" || !terminal(r.State) {
			return
		}
		k := taskKey{r.Framework, r.Task}
		h := s.tasks[k]
		if h == nil {
			// A task that ends before it is launched (the master refused
			// it) no longer waits, and counts as terminal in its job.
			if j, ok := s.pending[k]; ok {
				f := s.frameworks[r.Framework]
				delete(s.pending, k)
				f.pending--
				s.updateDemand(f)
				s.taskEnded(j)
			}
			return
		}
		s.release(h)
		delete(s.tasks, k)
		if r.State == "TASK_FINISHED" {
			h.fw.finished++
			s.finsh++
		}
		s.taskEnded(h.job)
		s.forget(h)
	}
}

// terminal reports whether state is a terminal Mesos task state.
func terminal(state string) bool {
	switch state {
	case "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR",
		"TASK_LOST", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR":
		return true
	}
	return false
}
