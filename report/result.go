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
	Duration   sim.Time   `json:"duration_us"`
	Roles      []Row      `json:"roles"`
	Frameworks []Row      `json:"frameworks"`
	Cluster    ClusterRow `json:"cluster"`
}

// Row is one role's or one framework's line of a Result. For a role, Role
// is the role itself and the counts and waits are its frameworks' together.
type Row struct {
	Name string `json:"name"`
	Role string `json:"role"`

	MeanDominantShare  float64 `json:"mean_dominant_share"`
	FinalDominantShare float64 `json:"final_dominant_share"`
	MeanCPUs           float64 `json:"mean_cpus"`
	MeanMem            float64 `json:"mean_mem"`
	CPUUtil            float64 `json:"cpu_util"`
	MemUtil            float64 `json:"mem_util"`

	Offers        int64 `json:"offers"`
	Declined      int64 `json:"declined"`
	Rescinded     int64 `json:"rescinded"`
	TasksLaunched int64 `json:"tasks_launched"`
	TasksFinished int64 `json:"tasks_finished"`

	WaitMean  float64 `json:"wait_mean"`
	WaitP99   float64 `json:"wait_p99"`
	WaitCount int64   `json:"wait_count"`
}

// ClusterRow is the whole cluster's line of a Result. Agents, CPUs and Mem
// are the totals at the end of the run.
type ClusterRow struct {
	Agents        int     `json:"agents"`
	CPUs          float64 `json:"cpus"`
	Mem           float64 `json:"mem"`
	CPUUtil       float64 `json:"cpu_util"`
	MemUtil       float64 `json:"mem_util"`
	Offers        int64   `json:"offers"`
	Declined      int64   `json:"declined"`
	Rescinded     int64   `json:"rescinded"`
	TasksLaunched int64   `json:"tasks_launched"`
	TasksFinished int64   `json:"tasks_finished"`
	Cycles        int64   `json:"cycles"`
}

// Finish closes every time integral at end and returns the result over
// [0, end]. An end earlier than the latest record is taken as that record's
// time. Finish may be called again later, after more records.
func (s *Summary) Finish(end sim.Time) *Result {
	if end < s.now {
		end = s.now
	}
	s.now = end
	for _, a := range s.accts {
		s.accrue(a, end)
	}
	s.accrue(&s.cluster, end)
	s.accrue(&s.total, end)
	s.totalsT = end

	res := &Result{
		Duration:   end,
		Roles:      make([]Row, 0, len(s.roles)),
		Frameworks: make([]Row, 0, len(s.frameworks)),
	}
	for _, f := range s.frameworks {
		row := Row{Name: f.name, Role: f.role.name}
		s.fill(&row, &f.acct, end)
		row.Offers, row.Declined, row.Rescinded = f.offers, f.declined, f.rescinded
		row.TasksLaunched, row.TasksFinished = f.launched, f.finished
		fillWaits(&row, slices.Clone(f.waits))
		res.Frameworks = append(res.Frameworks, row)
	}
	for _, r := range s.roles {
		if len(r.frameworks) == 0 {
			continue // every framework moved to another role
		}
		row := Row{Name: r.name, Role: r.name}
		s.fill(&row, &r.acct, end)
		var waits []float64
		for _, f := range r.frameworks {
			row.Offers += f.offers
			row.Declined += f.declined
			row.Rescinded += f.rescinded
			row.TasksLaunched += f.launched
			row.TasksFinished += f.finished
			waits = append(waits, f.waits...)
		}
		fillWaits(&row, waits)
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
	s.fill(&scratch, &s.cluster, end)
	c.CPUUtil, c.MemUtil = scratch.CPUUtil, scratch.MemUtil
	c.Offers, c.Declined, c.Rescinded = s.offersN, s.declined, s.rescinded
	c.TasksLaunched, c.TasksFinished = s.launched, s.finsh
	c.Cycles = s.cycles
	return res
}

// fill sets the share, mean and utilisation columns of row from a, whose
// integrals are closed at end. Over a zero duration the means are the final
// values.
func (s *Summary) fill(row *Row, a *account, end sim.Time) {
	row.FinalDominantShare = s.share(a.alloc)
	if end > 0 {
		d := float64(end)
		row.MeanDominantShare = a.intShare / d
		row.MeanCPUs = a.intCPU / d / 1000
		row.MeanMem = a.intMem / d / 1000
		row.CPUUtil = ratio(a.intCPU, s.total.intCPU)
		row.MemUtil = ratio(a.intMem, s.total.intMem)
		return
	}
	row.MeanDominantShare = row.FinalDominantShare
	row.MeanCPUs = float64(at(a.alloc, cpusIdx)) / 1000
	row.MeanMem = float64(at(a.alloc, memIdx)) / 1000
	row.CPUUtil = ratio(float64(at(a.alloc, cpusIdx)), float64(at(s.total.alloc, cpusIdx)))
	row.MemUtil = ratio(float64(at(a.alloc, memIdx)), float64(at(s.total.alloc, memIdx)))
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// fillWaits sets the wait columns from waits (seconds), which it sorts.
func fillWaits(row *Row, waits []float64) {
	row.WaitCount = int64(len(waits))
	if len(waits) == 0 {
		return
	}
	slices.Sort(waits)
	row.WaitMean = stat.Mean(waits, nil)
	row.WaitP99 = stat.Quantile(0.99, stat.Empirical, waits, nil)
}
