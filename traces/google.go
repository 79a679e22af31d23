package traces

import (
	"container/heap"
	"fmt"
	"io"
	"maps"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/mesosim/mesosim/sim"
)

// Google clusterdata-2011-2 event types (task_events column 6, job_events
// column 4), in the order of their numeric codes 0-8.
var googleEventNames = [...]string{
	"SUBMIT", "SCHEDULE", EndEvict, EndFail, EndFinish, EndKill, EndLost,
	"UPDATE_PENDING", "UPDATE_RUNNING",
}

// googleJobEventNames are the Stats.Events keys of job_events rows.
var googleJobEventNames = func() (n [len(googleEventNames)]string) {
	for i, e := range googleEventNames {
		n[i] = "job:" + e
	}
	return n
}()

const (
	googleTaskColumns = 13
	googleJobColumns  = 8
	// googleAfterWindow is the time the trace gives to events after its
	// window.
	googleAfterWindow = math.MaxInt64
	// GoogleTimeTolerance is how far a row's time may lie before the
	// latest time already read (within a part or across parts) and still
	// be accepted; such rows are counted in Stats.Reordered and taken at
	// the latest time. Further back is a malformed row.
	GoogleTimeTolerance = sim.Second
)

// GoogleReader streams Google clusterdata-2011-2 task_events parts as
// tasks in submission order. See OpenGoogle.
type GoogleReader struct {
	opt   Options
	tasks *partStream
	jobs  *partStream // nil without job_events
	asm   *assembler
	stats Stats
	pos   sim.Time // latest task row time
	key   []byte
	err   error
	eof   bool

	// job_events, read in step with the task rows.
	jobPos     sim.Time
	jobPending bool // jobRow holds a row not yet applied
	jobRow     googleJobRow
	jobEOF     bool
	jobUsers   map[uint64]*googleJob
	jobEnds    indexedHeap[googleJob] // ended jobs by end time, ties by ID
}

type googleJobRow struct {
	t    sim.Time
	job  uint64
	ev   int
	user []byte
}

type googleJob struct {
	id    uint64
	user  uint32   // index in the assembler's users
	ended sim.Time // -1 while running
	idx   int32
}

// OpenGoogle opens Google clusterdata-2011-2 task_events parts (taskFiles,
// in the given order, read as one stream) and optionally the matching
// job_events parts (jobFiles, may be nil). Files may be gzip-compressed
// (.csv.gz, as published) or plain CSV. CPU and Mem are normalised to the
// largest machine. See docs/traces.md for the replay semantics.
func OpenGoogle(taskFiles []string, jobFiles []string, opt Options) (Reader, error) {
	if len(taskFiles) == 0 {
		return nil, fmt.Errorf("google: no task_events files")
	}
	ts, err := partFiles(taskFiles)
	if err != nil {
		return nil, err
	}
	var js []partSource
	if len(jobFiles) > 0 {
		if js, err = partFiles(jobFiles); err != nil {
			return nil, err
		}
	}
	return newGoogleReader(ts, js, opt), nil
}

func newGoogleReader(tasks, jobs []partSource, opt Options) *GoogleReader {
	r := &GoogleReader{opt: opt, tasks: newPartStream(tasks)}
	r.jobEnds = indexedHeap[googleJob]{
		less: func(a, b *googleJob) bool {
			if a.ended != b.ended {
				return a.ended < b.ended
			}
			return a.id < b.id
		},
		pos: func(j *googleJob) *int32 { return &j.idx },
	}
	r.stats.Events = make(map[string]int64)
	r.asm = newAssembler(opt.Lookahead, opt.FirstRunOnly, r.stats.Events)
	if len(jobs) > 0 {
		r.jobs = newPartStream(jobs)
		r.jobUsers = make(map[uint64]*googleJob)
	}
	return r
}

// Units: requests are normalised to the largest machine (1.0).
func (r *GoogleReader) Units() Units { return Units{CPU: "normalised", Mem: "normalised"} }

// Stats reports what was read so far. Rows counts task_events rows;
// job_events rows are counted in Events under "job:SUBMIT" and so on.
func (r *GoogleReader) Stats() Stats {
	s := r.stats
	s.Events = maps.Clone(r.stats.Events)
	s.Tasks, s.Reruns, s.Jobs, s.First, s.Last = r.asm.stats.Tasks, r.asm.stats.Reruns, r.asm.stats.Jobs, r.asm.stats.First, r.asm.stats.Last
	s.Dropped = r.asm.dropped
	return s
}

// InFlight is the number of tasks the reader holds now (waiting to be
// yielded, or remembered to recognise their later rows).
func (r *GoogleReader) InFlight() int { return r.asm.inFlight() }

// PeakInFlight is the largest InFlight so far.
func (r *GoogleReader) PeakInFlight() int { return r.asm.peak }

// Close closes the files.
func (r *GoogleReader) Close() error {
	err := r.tasks.close()
	if r.jobs != nil {
		if e := r.jobs.close(); err == nil {
			err = e
		}
	}
	return err
}

// Next returns the next task in order of Submit (ties by ID), or io.EOF.
func (r *GoogleReader) Next() (Task, error) {
	for {
		if t, ok := r.asm.pop(); ok {
			return t, nil
		}
		if r.err != nil {
			return Task{}, r.err
		}
		if r.eof {
			return Task{}, io.EOF
		}
		if err := r.step(); err != nil {
			r.err = err
			return Task{}, err
		}
	}
}

// step reads one task row (or reaches the end).
func (r *GoogleReader) step() error {
	if r.opt.MaxRows > 0 && r.stats.Rows >= r.opt.MaxRows {
		return r.finish(false)
	}
	line, err := r.tasks.read()
	if err == io.EOF {
		return r.finish(true)
	}
	r.stats.Rows++
	if err == errPartLineTooLong {
		return r.bad(r.tasks, err.Error())
	}
	if err != nil {
		return err
	}
	msg, err := r.taskRow(line)
	if err != nil {
		return err
	}
	if msg != "" {
		return r.bad(r.tasks, msg)
	}
	return nil
}

func (r *GoogleReader) finish(drainJobs bool) error {
	r.eof = true
	r.asm.finish()
	if drainJobs && r.jobs != nil {
		return r.jobsUpTo(sim.Never)
	}
	return nil
}

func (r *GoogleReader) bad(l *partStream, msg string) error {
	if r.opt.SkipBadRows {
		r.stats.Bad++
		return nil
	}
	return &RowError{File: l.name, Line: l.line, Msg: msg}
}

// googleSplit splits a CSV row without quoting into exactly len(f) fields,
// or returns the number of fields found.
func googleSplit(line []byte, f [][]byte) int {
	n, start := 0, 0
	for i, c := range line {
		if c == ',' {
			if n < len(f) {
				f[n] = line[start:i]
			}
			n++
			start = i + 1
		}
	}
	if n < len(f) {
		f[n] = line[start:]
	}
	return n + 1
}

// googleUint parses a non-empty run of ASCII digits.
func googleUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

// googleInt parses a decimal integer with an optional sign.
func googleInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg, b = b[0] == '-', b[1:]
	}
	u, ok := googleUint(b)
	if !ok {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// googleTime parses a row time: a non-negative int64 of microseconds.
func googleTime(b []byte) (sim.Time, string) {
	v, ok := googleInt(b)
	switch {
	case !ok:
		return 0, fmt.Sprintf("time %q is not an integer", b)
	case v < 0:
		return 0, fmt.Sprintf("negative time %d", v)
	}
	return sim.Time(v), ""
}

// googleRequest parses an optional normalised request: empty, or a finite
// number >= 0.
func googleRequest(what string, b []byte) (float64, bool, string) {
	if len(b) == 0 {
		return 0, false, ""
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, false, fmt.Sprintf("%s request %q is not a number >= 0", what, b)
	}
	return v, true, ""
}

// taskRow applies one task_events row; it returns what is wrong with the
// row ("" if nothing), or an error from the job_events it reads in step.
func (r *GoogleReader) taskRow(line []byte) (string, error) {
	var f [googleTaskColumns][]byte
	if n := googleSplit(line, f[:]); n != googleTaskColumns {
		return fmt.Sprintf("%d columns, want %d (task_events)", n, googleTaskColumns), nil
	}
	t, msg := googleTime(f[0])
	if msg != "" {
		return msg, nil
	}
	job, ok := googleUint(f[2])
	if !ok {
		return fmt.Sprintf("job ID %q is not a non-negative integer", f[2]), nil
	}
	index, ok := googleUint(f[3])
	if !ok {
		return fmt.Sprintf("task index %q is not a non-negative integer", f[3]), nil
	}
	ev64, ok := googleInt(f[5])
	if !ok || ev64 < 0 || ev64 >= int64(len(googleEventNames)) {
		return fmt.Sprintf("event type %q is not 0-8", f[5]), nil
	}
	ev := int(ev64)
	if !utf8.Valid(f[6]) {
		return "user is not valid UTF-8", nil
	}
	sched := int64(-1)
	if len(f[7]) > 0 {
		if sched, ok = googleInt(f[7]); !ok || sched < 0 || sched > math.MaxInt32 {
			return fmt.Sprintf("scheduling class %q is not a non-negative integer", f[7]), nil
		}
	}
	prio, ok := googleInt(f[8])
	if !ok || prio < 0 || prio > math.MaxInt32 {
		return fmt.Sprintf("priority %q is not a non-negative integer", f[8]), nil
	}
	cpu, hasCPU, msg := googleRequest("CPU", f[9])
	if msg != "" {
		return msg, nil
	}
	mem, hasMem, msg := googleRequest("memory", f[10])
	if msg != "" {
		return msg, nil
	}

	after := t == googleAfterWindow
	if !after {
		if t < r.pos {
			if r.pos-t > GoogleTimeTolerance {
				return fmt.Sprintf("time %d goes back %s from %d", t, r.pos-t, r.pos), nil
			}
			r.stats.Reordered++
			t = r.pos
		}
		r.pos = t
		if r.jobs != nil {
			if err := r.jobsUpTo(t); err != nil {
				return "", err
			}
		}
		r.asm.advance(t)
	}
	r.stats.Events[googleEventNames[ev]]++

	r.key = strconv.AppendUint(r.key[:0], job, 10)
	jobLen := len(r.key)
	r.key = append(r.key, '/')
	r.key = strconv.AppendUint(r.key, index, 10)

	var tk *asmTask
	switch ev {
	case 0: // SUBMIT
		if after {
			r.asm.drop(DropAfterWindow, 1)
		} else {
			tk = r.asm.submit(t, r.key)
		}
	case 1: // SCHEDULE
		if after {
			r.asm.drop(DropAfterWindow, 1)
		} else {
			tk = r.asm.schedule(t, r.key)
		}
	case 2, 3, 4, 5, 6:
		r.asm.end(t, r.key, googleEventNames[ev], after)
	case 7: // UPDATE_PENDING
		if !after {
			tk = r.asm.update(t, r.key)
		}
	case 8: // UPDATE_RUNNING: the replay keeps the request it was scheduled with
	}
	if tk == nil {
		return "", nil
	}
	if tk.job == "" {
		tk.job = tk.id[:jobLen]
	}
	if sched >= 0 {
		tk.schedClass = int32(sched)
	}
	tk.priority = int32(prio)
	if len(f[6]) > 0 {
		tk.user = r.asm.userOf(f[6])
	} else if tk.user == 0 && r.jobUsers != nil {
		if j := r.jobUsers[job]; j != nil {
			tk.user = j.user
		}
	}
	if hasCPU {
		tk.cpu = cpu
	}
	if hasMem {
		tk.mem = mem
	}
	return "", nil
}

// jobsUpTo applies the job_events rows with time <= t.
func (r *GoogleReader) jobsUpTo(t sim.Time) error {
	for {
		if !r.jobPending {
			if r.jobEOF {
				r.forgetJobs(t)
				return nil
			}
			line, err := r.jobs.read()
			if err == io.EOF {
				r.jobEOF = true
				continue
			}
			if err == errPartLineTooLong {
				if err := r.bad(r.jobs, err.Error()); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			msg := r.jobLine(line)
			if msg != "" {
				if err := r.bad(r.jobs, msg); err != nil {
					return err
				}
				continue
			}
			r.jobPending = true
		}
		if r.jobRow.t > t {
			r.forgetJobs(t)
			return nil
		}
		r.jobPending = false
		r.applyJob()
	}
}

// jobLine parses a job_events row into r.jobRow; "" or what is wrong.
func (r *GoogleReader) jobLine(line []byte) string {
	var f [googleJobColumns][]byte
	if n := googleSplit(line, f[:]); n != googleJobColumns {
		return fmt.Sprintf("%d columns, want %d (job_events)", n, googleJobColumns)
	}
	t, msg := googleTime(f[0])
	if msg != "" {
		return msg
	}
	job, ok := googleUint(f[2])
	if !ok {
		return fmt.Sprintf("job ID %q is not a non-negative integer", f[2])
	}
	ev, ok := googleInt(f[3])
	if !ok || ev < 0 || ev >= int64(len(googleEventNames)) {
		return fmt.Sprintf("event type %q is not 0-8", f[3])
	}
	if !utf8.Valid(f[4]) {
		return "user is not valid UTF-8"
	}
	if t != googleAfterWindow {
		if t < r.jobPos {
			if r.jobPos-t > GoogleTimeTolerance {
				return fmt.Sprintf("time %d goes back %s from %d", t, r.jobPos-t, r.jobPos)
			}
			r.stats.Reordered++
			t = r.jobPos
		}
		r.jobPos = t
	}
	r.jobRow = googleJobRow{t: t, job: job, ev: int(ev), user: f[4]}
	return ""
}

// applyJob records the user of a submitted job, and forgets it a
// look-ahead after the job ends.
func (r *GoogleReader) applyJob() {
	row := &r.jobRow
	r.stats.Events[googleJobEventNames[row.ev]]++
	r.forgetJobs(row.t)
	j := r.jobUsers[row.job]
	switch {
	case row.ev == 0 || row.ev == 1 || row.ev >= 7: // SUBMIT, SCHEDULE, updates
		if j == nil {
			j = &googleJob{id: row.job, ended: -1, idx: -1}
			r.jobUsers[row.job] = j
		}
		if len(row.user) > 0 {
			j.user = r.asm.userOf(row.user)
		}
		if j.idx >= 0 && row.ev == 0 { // resubmitted: keep it
			heap.Remove(&r.jobEnds, int(j.idx))
			j.ended = -1
		}
	case j != nil && j.idx < 0 && row.t != googleAfterWindow: // an end
		j.ended = row.t
		heap.Push(&r.jobEnds, j)
	}
}

// forgetJobs forgets the jobs that ended more than a look-ahead before t.
func (r *GoogleReader) forgetJobs(t sim.Time) {
	if t == googleAfterWindow {
		return
	}
	for r.jobEnds.Len() > 0 && asmAdd(r.jobEnds.items[0].ended, r.asm.look) < t {
		j := heap.Pop(&r.jobEnds).(*googleJob)
		delete(r.jobUsers, j.id)
	}
}
