package timeline

import (
	"bytes"
	"slices"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
)

// entry is one kept record: its position in the stream and its event
// log line.
type entry struct {
	seq  int64
	line string
}

// ring keeps the last len(buf) entries appended to it.
type ring struct {
	buf  []entry
	next int
	full bool
}

func newRing(n int) *ring { return &ring{buf: make([]entry, n)} }

func (r *ring) add(e entry) {
	r.buf[r.next] = e
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

// entries returns the kept entries, oldest first.
func (r *ring) entries() []entry {
	if r == nil {
		return nil
	}
	if !r.full {
		return append([]entry(nil), r.buf[:r.next]...)
	}
	return append(append([]entry(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}

// shot is the context captured when a violation was reported.
type shot struct {
	violation entry
	records   []entry
}

// Recorder is a model.Observer that keeps, per task and per agent, the last
// few records about it, and the last few fault records. At each invariant
// violation (only the first unless all) it takes a snapshot of the records
// that led to it. Observe it before the invariant checker, so that the
// record that breaks an invariant is kept before the violation the checker
// emits for it.
type Recorder struct {
	n     int
	all   bool
	seq   int64
	buf   []byte
	tasks map[string]*ring // by framework "\x00" task
	// agents: every record naming the agent; agentOwn: those naming no
	// task, the routine offers and declines left out.
	agents, agentOwn map[string]*ring
	faults           *ring
	violations       int
	shots            []shot
}

// NewRecorder keeps the last n records about each task and agent, and of
// the faults; all takes a snapshot at every violation, not only the first.
func NewRecorder(n int, all bool) *Recorder {
	return &Recorder{n: n, all: all, tasks: map[string]*ring{},
		agents: map[string]*ring{}, agentOwn: map[string]*ring{}, faults: newRing(n)}
}

func (p *Recorder) ringOf(m map[string]*ring, key string) *ring {
	r := m[key]
	if r == nil {
		r = newRing(p.n)
		m[key] = r
	}
	return r
}

// Observe implements model.Observer.
func (p *Recorder) Observe(r *model.Record) {
	p.buf = report.AppendRecord(p.buf[:0], r)
	p.ObserveLine(r.Kind, r.Task, r.Agent, r.Framework, string(bytes.TrimSuffix(p.buf, []byte("\n"))))
}

// ObserveLine keeps one record given by its kind, subjects and event log
// line (a record read back from a log, as `replay --log` does).
func (p *Recorder) ObserveLine(kind, task, agent, fw, line string) {
	p.seq++
	e := entry{seq: p.seq, line: line}
	if kind == model.KindInvariantViolation {
		i := p.violations
		p.violations++
		if i == 0 || p.all {
			p.shots = append(p.shots, p.snapshot(e, task, agent, fw))
		}
		return
	}
	if task != "" {
		p.ringOf(p.tasks, fw+"\x00"+task).add(e)
	}
	if agent != "" {
		p.ringOf(p.agents, agent).add(e)
		if task == "" && kind != model.KindOffer && kind != model.KindOfferDeclined {
			p.ringOf(p.agentOwn, agent).add(e)
		}
	}
	if kind == model.KindFault {
		p.faults.add(e)
	}
}

// snapshot returns the records that led to violation e: the last n records
// about its task (when it names one) or its agent (when it names a task,
// only the agent's records that name no task, routine offers and declines
// left out), and the fault records before it, in stream order.
func (p *Recorder) snapshot(e entry, task, agent, fw string) shot {
	var about []entry
	if task != "" {
		about = append(about, p.tasks[fw+"\x00"+task].entries()...)
		if agent != "" {
			about = append(about, p.agentOwn[agent].entries()...)
		}
	} else if agent != "" {
		about = append(about, p.agents[agent].entries()...)
	}
	about = sortEntries(about)
	if len(about) > p.n {
		about = about[len(about)-p.n:]
	}
	return shot{violation: e, records: sortEntries(append(about, p.faults.entries()...))}
}

// sortEntries sorts entries into stream order, without duplicates.
func sortEntries(es []entry) []entry {
	slices.SortFunc(es, func(a, b entry) int { return int(a.seq - b.seq) })
	return slices.CompactFunc(es, func(a, b entry) bool { return a.seq == b.seq })
}
