package traces

import (
	"errors"
	"io"
	"sort"

	"gonum.org/v1/gonum/stat"

	"github.com/mesosim/mesosim/sim"
)

// Profile is what `mesosim trace inspect` reports about a trace. Runs
// counts every task the reader yields (what a replay submits: each run of
// a resubmitted task, unless Options.FirstRunOnly), Reruns those that are
// a later run of a task already yielded, and Tasks the distinct tasks
// (Runs - Reruns). The other per-task figures (running, ends, spreads)
// count runs.
type Profile struct {
	Format     string           `json:"format"`
	Units      Units            `json:"units"`
	Rows       int64            `json:"rows"`
	Tasks      int64            `json:"tasks"`
	Runs       int64            `json:"runs"`
	Reruns     int64            `json:"reruns"`
	Jobs       int64            `json:"jobs"`
	Running    int64            `json:"running_at_start"`
	Unended    int64            `json:"without_end"`
	First      sim.Time         `json:"first_submit_us"`
	Last       sim.Time         `json:"last_submit_us"`
	Events     map[string]int64 `json:"events"`
	Ends       map[string]int64 `json:"ends"`
	Bad        int64            `json:"malformed_rows"`
	Reordered  int64            `json:"reordered_rows"`
	Dropped    int64            `json:"dropped_rows"`
	CPU        Spread           `json:"cpu"`
	Mem        Spread           `json:"mem"`
	DurationS  Spread           `json:"duration_s"`
	ByPriority map[int]int64    `json:"tasks_by_priority,omitempty"`
}

// Spread summarises a distribution.
type Spread struct {
	N    int     `json:"n"`
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// MaxSampled bounds how many values Inspect keeps per distribution; past
// it, it keeps every k-th value (deterministically), so memory stays
// bounded whatever the trace's size.
const MaxSampled = 1 << 20

// sampler keeps at most MaxSampled values, thinning by powers of two.
type sampler struct {
	vals  []float64
	every int64
	seen  int64
	sum   float64
	n     int64
}

func (s *sampler) add(v float64) {
	s.n++
	s.sum += v
	if s.every == 0 {
		s.every = 1
	}
	s.seen++
	if s.seen%s.every != 0 {
		return
	}
	s.vals = append(s.vals, v)
	if len(s.vals) >= MaxSampled {
		kept := s.vals[:0]
		for i := 1; i < len(s.vals); i += 2 {
			kept = append(kept, s.vals[i])
		}
		s.vals = kept
		s.every *= 2
	}
}

func (s *sampler) spread() Spread {
	if s.n == 0 {
		return Spread{}
	}
	v := append([]float64(nil), s.vals...)
	sort.Float64s(v)
	q := func(p float64) float64 { return stat.Quantile(p, stat.Empirical, v, nil) }
	return Spread{N: int(s.n), Min: v[0], P50: q(0.5), P95: q(0.95), P99: q(0.99), Max: v[len(v)-1], Mean: s.sum / float64(s.n)}
}

// Inspect reads a whole trace and profiles it.
func Inspect(r Reader, format string) (*Profile, error) {
	p := &Profile{Format: format, Units: r.Units(), Ends: map[string]int64{}, ByPriority: map[int]int64{}}
	var cpu, mem, dur sampler
	jobs := map[string]bool{}
	for {
		t, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if !jobs[t.Job] {
			jobs[t.Job] = true
		}
		if t.Running {
			p.Running++
		}
		if t.Duration == Unknown {
			p.Unended++
		} else {
			dur.add(t.Duration.Seconds())
		}
		if t.End != "" {
			p.Ends[t.End]++
		}
		if t.Priority >= 0 {
			p.ByPriority[t.Priority]++
		}
		cpu.add(t.CPU)
		mem.add(t.Mem)
	}
	st := r.Stats()
	p.Rows, p.Runs, p.Reruns, p.Tasks, p.Jobs = st.Rows, st.Tasks, st.Reruns, st.Tasks-st.Reruns, int64(len(jobs))
	p.First, p.Last, p.Events = st.First, st.Last, st.Events
	p.Bad, p.Reordered, p.Dropped = st.Bad, st.Reordered, st.Dropped
	p.CPU, p.Mem, p.DurationS = cpu.spread(), mem.spread(), dur.spread()
	if len(p.ByPriority) == 0 {
		p.ByPriority = nil
	}
	return p, nil
}
