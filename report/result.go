package report

import (
	"cmp"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/mesosim/mesosim/sim"
)

// Result is what a Summary found over one run. docs/summary.md defines every
// field. Roles and Frameworks are sorted by name.
type Result struct {
	// Provenance names what made the result (nil: not written).
	Provenance *Provenance `json:"provenance,omitempty"`
	// Violations are the invariants the run broke, if any.
	Violations []ViolationRow `json:"violations,omitempty"`

	Duration   sim.Time   `json:"duration_us"`
	Roles      []Row      `json:"roles"`
	Frameworks []Row      `json:"frameworks"`
	Cluster    ClusterRow `json:"cluster"`
}

// ViolationRow is one broken invariant in a Result's JSON.
type ViolationRow struct {
	T         float64 `json:"t"` // seconds
	Invariant string  `json:"invariant"`
	Task      string  `json:"task,omitempty"`
	Agent     string  `json:"agent,omitempty"`
	Framework string  `json:"framework,omitempty"`
	Detail    string  `json:"detail"`
}

// ViolationRows converts violations for a Result.
func ViolationRows(v []Violation) []ViolationRow {
	out := make([]ViolationRow, len(v))
	for i, x := range v {
		out[i] = ViolationRow{T: x.T.Seconds(), Invariant: x.Invariant, Task: x.Task, Agent: x.Agent,
			Framework: x.Framework, Detail: x.Detail}
	}
	return out
}

// Row is one role's or one framework's line of a Result. For a role, Role
// is the role itself and the counts, waits and job times are its
// frameworks' together; its starvation is the longest of its frameworks'.
type Row struct {
	Name string `json:"name"`
	Role string `json:"role"`

	MeanDominantShare  float64 `json:"mean_dominant_share"`
	FinalDominantShare float64 `json:"final_dominant_share"`
	MeanCPUs           float64 `json:"mean_cpus"`
	MeanMem            float64 `json:"mean_mem"`
	CPUUtil            float64 `json:"cpu_util"`
	MemUtil            float64 `json:"mem_util"`
	LockedCPUs         float64 `json:"locked_cpus"`
	LockedMem          float64 `json:"locked_mem"`

	Offers        int64 `json:"offers"`
	Declined      int64 `json:"declined"`
	Rescinded     int64 `json:"rescinded"`
	TasksLaunched int64 `json:"tasks_launched"`
	TasksFinished int64 `json:"tasks_finished"`

	Waits
	Jobs
	Starvation float64 `json:"starvation"`
}

// Waits are task waits (submission to launch), in seconds; all 0 when
// there are none.
type Waits struct {
	WaitMean  float64 `json:"wait_mean"`
	WaitP50   float64 `json:"wait_p50"`
	WaitP95   float64 `json:"wait_p95"`
	WaitP99   float64 `json:"wait_p99"`
	WaitCount int64   `json:"wait_count"`
}

// Jobs are job completion times (first submission to the last task's
// terminal state), in seconds, over completed jobs; 0 when there are none.
type Jobs struct {
	JobsCompleted int64   `json:"jobs_completed"`
	JobP50        float64 `json:"job_p50"`
	JobP99        float64 `json:"job_p99"`
}

// ClusterRow is the whole cluster's line of a Result. Agents, CPUs and Mem
// are the totals at the end of the run.
type ClusterRow struct {
	Agents     int     `json:"agents"`
	CPUs       float64 `json:"cpus"`
	Mem        float64 `json:"mem"`
	CPUUtil    float64 `json:"cpu_util"`
	MemUtil    float64 `json:"mem_util"`
	LockedCPUs float64 `json:"locked_cpus"`
	LockedMem  float64 `json:"locked_mem"`
	// Resources has utilisation and locked share for every scalar
	// resource name, sorted by name.
	Resources []ResourceRow `json:"resources"`

	// Jain is the time-weighted mean of Jain's fairness index of the
	// weighted dominant shares of roles with demand, over DemandSeconds,
	// the time during which at least one role had demand.
	Jain          float64 `json:"jain"`
	DemandSeconds float64 `json:"demand_seconds"`

	Offers        int64 `json:"offers"`
	Declined      int64 `json:"declined"`
	Rescinded     int64 `json:"rescinded"`
	TasksLaunched int64 `json:"tasks_launched"`
	TasksFinished int64 `json:"tasks_finished"`
	Cycles        int64 `json:"cycles"`

	Waits
	Jobs
	StarvationMax float64 `json:"starvation_max"`
}

// ResourceRow is one scalar resource name of the cluster.
type ResourceRow struct {
	Name   string  `json:"name"`
	Total  float64 `json:"total"`  // at the end
	Util   float64 `json:"util"`   // ∫ allocated dt / ∫ total dt
	Locked float64 `json:"locked"` // ∫ in outstanding offers dt / ∫ total dt
}

// Finish closes every time integral at end and returns the result over
// [0, end]. An end earlier than the latest record is taken as that record's
// time. Finish may be called again later, after more records.
func (s *Summary) Finish(end sim.Time) *Result {
	if end < s.now {
		end = s.now
	}
	s.jainAccrue(end)
	s.now = end
	for _, a := range s.accts {
		s.accrue(a, end)
	}
	for _, a := range s.lockeds {
		s.accrue(a, end)
	}
	s.accrue(&s.cluster, end)
	s.accrue(&s.total, end)
	s.accrue(&s.locked, end)
	s.totalsT = end

	res := &Result{
		Duration:   end,
		Roles:      make([]Row, 0, len(s.roles)),
		Frameworks: make([]Row, 0, len(s.frameworks)),
	}
	var allWaits, allJobs []float64
	var starveMax float64
	for _, f := range s.frameworks {
		row := Row{Name: f.name, Role: f.role.name}
		s.fill(&row, &f.acct, &f.locked, end)
		row.Offers, row.Declined, row.Rescinded = f.offers, f.declined, f.rescinded
		row.TasksLaunched, row.TasksFinished = f.launched, f.finished
		row.Waits = waitStats(slices.Clone(f.waits))
		row.Jobs = jobStats(slices.Clone(f.jobs))
		row.Starvation = f.starvation(end).Seconds()
		starveMax = max(starveMax, row.Starvation)
		allWaits = append(allWaits, f.waits...)
		allJobs = append(allJobs, f.jobs...)
		res.Frameworks = append(res.Frameworks, row)
	}
	for _, r := range s.roles {
		if len(r.frameworks) == 0 {
			continue // every framework moved to another role
		}
		row := Row{Name: r.name, Role: r.name}
		s.fill(&row, &r.acct, &r.locked, end)
		var waits, jobs []float64
		for _, f := range r.frameworks {
			row.Offers += f.offers
			row.Declined += f.declined
			row.Rescinded += f.rescinded
			row.TasksLaunched += f.launched
			row.TasksFinished += f.finished
			row.Starvation = max(row.Starvation, f.starvation(end).Seconds())
			waits = append(waits, f.waits...)
			jobs = append(jobs, f.jobs...)
		}
		row.Waits = waitStats(waits)
		row.Jobs = jobStats(jobs)
		res.Roles = append(res.Roles, row)
	}
	byName := func(a, b Row) int { return cmp.Compare(a.Name, b.Name) }
	slices.SortFunc(res.Frameworks, byName)
	slices.SortFunc(res.Roles, byName)

	c := &res.Cluster
	c.Agents = s.agentsUp
	c.CPUs = float64(at(s.total.alloc, cpusIdx)) / 1000
	c.Mem = float64(at(s.total.alloc, memIdx)) / 1000
	var scratch Row
	s.fill(&scratch, &s.cluster, &s.locked, end)
	c.CPUUtil, c.MemUtil = scratch.CPUUtil, scratch.MemUtil
	c.LockedCPUs, c.LockedMem = scratch.LockedCPUs, scratch.LockedMem
	c.Resources = s.resources(end)
	c.Jain = s.jainMean(end)
	c.DemandSeconds = s.jain.time / 1e6
	c.Offers, c.Declined, c.Rescinded = s.offersN, s.declined, s.rescinded
	c.TasksLaunched, c.TasksFinished = s.launched, s.finsh
	c.Cycles = s.cycles
	c.Waits = waitStats(allWaits)
	c.Jobs = jobStats(allJobs)
	c.StarvationMax = starveMax
	return res
}

// starvation is f's longest offerless interval with demand, the current
// one (still open) closed at end.
func (f *framework) starvation(end sim.Time) sim.Time {
	if f.demanding {
		return max(f.starveMax, end-f.starveAt)
	}
	return f.starveMax
}

// fill sets the share, mean, utilisation and locked columns of row from a
// (allocated) and l (in outstanding offers), whose integrals are closed at
// end. Over a zero duration the means are the final values.
func (s *Summary) fill(row *Row, a, l *account, end sim.Time) {
	row.FinalDominantShare = s.share(a.alloc)
	if end > 0 {
		d := float64(end)
		row.MeanDominantShare = a.intShare / d
		row.MeanCPUs = atf(a.ints, cpusIdx) / d / 1000
		row.MeanMem = atf(a.ints, memIdx) / d / 1000
		row.CPUUtil = ratio(atf(a.ints, cpusIdx), atf(s.total.ints, cpusIdx))
		row.MemUtil = ratio(atf(a.ints, memIdx), atf(s.total.ints, memIdx))
		row.LockedCPUs = ratio(atf(l.ints, cpusIdx), atf(s.total.ints, cpusIdx))
		row.LockedMem = ratio(atf(l.ints, memIdx), atf(s.total.ints, memIdx))
		return
	}
	row.MeanDominantShare = row.FinalDominantShare
	row.MeanCPUs = float64(at(a.alloc, cpusIdx)) / 1000
	row.MeanMem = float64(at(a.alloc, memIdx)) / 1000
	row.CPUUtil = s.finalRatio(a, cpusIdx)
	row.MemUtil = s.finalRatio(a, memIdx)
	row.LockedCPUs = s.finalRatio(l, cpusIdx)
	row.LockedMem = s.finalRatio(l, memIdx)
}

// finalRatio is a's quantity of name i over the cluster total of i, now.
func (s *Summary) finalRatio(a *account, i int) float64 {
	return ratio(float64(at(a.alloc, i)), float64(at(s.total.alloc, i)))
}

// resources lists every scalar name with a positive total at some time,
// sorted by name, with its utilisation and locked share over [0, end].
func (s *Summary) resources(end sim.Time) []ResourceRow {
	out := []ResourceRow{}
	for i, name := range s.names.keys {
		tot := atf(s.total.ints, i)
		final := at(s.total.alloc, i)
		if tot <= 0 && final <= 0 {
			continue
		}
		r := ResourceRow{Name: name, Total: float64(final) / 1000}
		if end > 0 {
			r.Util = ratio(atf(s.cluster.ints, i), tot)
			r.Locked = ratio(atf(s.locked.ints, i), tot)
		} else {
			r.Util = s.finalRatio(&s.cluster, i)
			r.Locked = s.finalRatio(&s.locked, i)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b ResourceRow) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// waitStats returns the wait columns of waits (seconds), which it sorts.
func waitStats(waits []float64) Waits {
	w := Waits{WaitCount: int64(len(waits))}
	if len(waits) == 0 {
		return w
	}
	slices.Sort(waits)
	w.WaitMean = stat.Mean(waits, nil)
	w.WaitP50 = quantile(0.50, waits)
	w.WaitP95 = quantile(0.95, waits)
	w.WaitP99 = quantile(0.99, waits)
	return w
}

// jobStats returns the job columns of times (seconds), which it sorts.
func jobStats(times []float64) Jobs {
	j := Jobs{JobsCompleted: int64(len(times))}
	if len(times) == 0 {
		return j
	}
	slices.Sort(times)
	j.JobP50 = quantile(0.50, times)
	j.JobP99 = quantile(0.99, times)
	return j
}

// quantile is the empirical p-quantile of sorted x: the smallest value v
// with at least a fraction p of x <= v.
func quantile(p float64, sorted []float64) float64 {
	return stat.Quantile(p, stat.Empirical, sorted, nil)
}
