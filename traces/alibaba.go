package traces

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/sim"
)

// Alibaba cluster traces v2017 and v2018, batch_task tables.
//
// Both tables are headerless CSV (a header line on line 1 of a file is
// recognised and skipped) whose rows are not sorted by time. The readers
// sort them with a bounded reorder window: up to window rows wait in a
// min-heap keyed by (submit time, row order); once the heap is full the
// earliest row is yielded, its instances one task each. A row read after
// the window has already yielded a later time is "late": it is yielded at
// the window's current time (the watermark) and counted in Stats.Reordered.
// Nothing is dropped for being late. Memory is bounded by the window plus
// one set entry per distinct job (for Stats.Jobs).

const (
	// DefaultReorderWindow is how many rows the Alibaba readers hold to
	// put unsorted rows in time order (OpenAlibaba2017, OpenAlibaba2018).
	DefaultReorderWindow = 100_000
	// MaxInstances is the most instances one Alibaba task row may ask
	// for; a row past it is malformed (each instance becomes a Task).
	MaxInstances = 100_000
)

// AlibabaDropBeforeWindow is the Stats.Events key counting rows that
// started and ended before the trace window: they yield no task (each is
// also counted under its status, and in Stats.Dropped).
const AlibabaDropBeforeWindow = "drop:before-window"

// AlibabaCounts are what an Alibaba reader changed or set aside beyond
// what Stats says; read them with AlibabaCountsOf.
type AlibabaCounts struct {
	Headers    int64 // header lines skipped (line 1 of a file only)
	OutOfOrder int64 // rows earlier than a row read before them (the window put them in place)
	Late       int64 // rows yielded at the watermark, after their own time (= Stats.Reordered)
	// BeforeWindow counts rows whose start (v2017 create_timestamp,
	// v2018 start_time) is <= 0, i.e. before the trace window, that did
	// not end before it: they are submitted at 0, and marked Running
	// unless still Waiting or Ready.
	BeforeWindow int64
	// EndedBefore counts rows (= Stats.Dropped) that started and ended
	// before the trace window (start <= 0 and end <= 0, ended status):
	// they describe no work inside the window and yield no task.
	EndedBefore int64
	// EndBeforeStart counts rows whose end precedes their start: Duration 0.
	EndBeforeStart int64
	// NoRequest counts rows with an empty plan_cpu or plan_mem (taken as 0).
	NoRequest int64
	// OddNames counts v2018 task names outside the DAG syntax
	// (M1, R2_1, M5_3_4, task_<id>); they are read all the same.
	OddNames int64
}

// AlibabaCountsOf returns the AlibabaCounts of a reader made by
// OpenAlibaba2017 or OpenAlibaba2018 (false for any other reader).
func AlibabaCountsOf(r Reader) (AlibabaCounts, bool) {
	if a, ok := r.(*alibabaReader); ok {
		return a.counts, true
	}
	return AlibabaCounts{}, false
}

// OpenAlibaba2017 reads Alibaba cluster-trace-v2017 batch_task files
// (.csv or .csv.gz, in order as one stream) with DefaultReorderWindow.
//
// Columns: create_timestamp, modify_timestamp, job_id, task_id,
// instance_num, status, plan_cpu, plan_mem. A row yields instance_num
// tasks with IDs job_id/task_id/i (i from 0), submitted at its create
// time. plan_cpu is per instance with 100 = one core (Units.CPU
// "percent-core": the sample's values are 40..800, and Alibaba confirmed
// the unit in alibaba/clusterdata issue 11); plan_mem is normalised per
// instance (Units.Mem "normalised"). Duration is modify - create for
// ended statuses (Terminated, Failed, Cancelled), else Unknown.
func OpenAlibaba2017(files []string, opt Options) (Reader, error) {
	return OpenAlibaba2017Window(files, opt, reorderWindow(opt))
}

// OpenAlibaba2017Window is OpenAlibaba2017 with a reorder window of
// window rows (at least 1; 1 means no reordering, every out-of-order row
// is late).
func OpenAlibaba2017Window(files []string, opt Options, window int) (Reader, error) {
	src, err := openRowLines(files)
	if err != nil {
		return nil, err
	}
	return newAlibabaReader(src, opt, window, 2017), nil
}

// OpenAlibaba2018 reads Alibaba cluster-trace-v2018 batch_task files with
// DefaultReorderWindow.
//
// Columns: task_name, instance_num, job_name, task_type, status,
// start_time, end_time, plan_cpu, plan_mem. A row yields instance_num
// tasks with IDs job_name/task_name/i, submitted at start_time; CPU is
// "percent-core" (100 = one core), Mem "percent" (normalised to 100);
// SchedClass is task_type. Duration is end - start when end > 0 (start 0
// means before the window: the task is Running at 0 and Duration is end),
// else Unknown. Task names encode a DAG (M1; R2_1 after task 1; M5_3_4
// after 3 and 4; task_<id> independent); the syntax is checked leniently
// (AlibabaCounts.OddNames) and dependencies are not replayed.
func OpenAlibaba2018(files []string, opt Options) (Reader, error) {
	return OpenAlibaba2018Window(files, opt, reorderWindow(opt))
}

// OpenAlibaba2018Window is OpenAlibaba2018 with a reorder window of window rows.
func OpenAlibaba2018Window(files []string, opt Options, window int) (Reader, error) {
	src, err := openRowLines(files)
	if err != nil {
		return nil, err
	}
	return newAlibabaReader(src, opt, window, 2018), nil
}

// aliRow is one parsed batch_task row waiting in the window.
type aliRow struct {
	key        sim.Time // submit time, the heap's order
	seq        int64    // row order, breaks ties
	job, task  string
	n          int // instances
	cpu, mem   float64
	dur        sim.Time
	class      int
	running    bool
	end        string
	dropReason string // the Stats.Events key of a row that yields nothing
}

type alibabaReader struct {
	src     *rowLines
	opt     Options
	version int
	window  int

	heap      []aliEntry
	slab      []aliRow
	free      []int32
	started   bool     // a row was popped: watermark is meaningful
	watermark sim.Time // submit time of the last popped row
	maxKey    sim.Time // latest submit time read
	seq       int64
	inputDone bool

	cur  aliRow
	left int    // instances of cur still to yield
	idx  int    // next instance of cur
	id   []byte // cur's ID prefix "job/task/", then the instance number
	np   int    // length of the prefix in id

	jobs   map[uint64]struct{}
	stats  Stats
	counts AlibabaCounts
	err    error
	fields []string
}

func newAlibabaReader(src *rowLines, opt Options, window, version int) *alibabaReader {
	return &alibabaReader{
		src: src, opt: opt, version: version, window: max(window, 1),
		jobs:  map[uint64]struct{}{},
		stats: Stats{Events: map[string]int64{}},
	}
}

func (r *alibabaReader) Units() Units {
	if r.version == 2017 {
		return Units{CPU: "percent-core", Mem: "normalised"}
	}
	return Units{CPU: "percent-core", Mem: "percent"}
}

func (r *alibabaReader) Stats() Stats {
	s := r.stats
	s.Events = maps.Clone(r.stats.Events)
	return s
}

func (r *alibabaReader) Close() error {
	r.heap, r.slab, r.free = nil, nil, nil
	return r.src.close()
}

// Next yields the next task in submission order. Errors are sticky.
func (r *alibabaReader) Next() (Task, error) {
	if r.err != nil {
		return Task{}, r.err
	}
	for r.left == 0 {
		if err := r.fill(); err != nil {
			r.err = err
			return Task{}, err
		}
		if len(r.heap) == 0 {
			r.err = io.EOF
			return Task{}, io.EOF
		}
		r.cur = r.pop()
		r.started, r.watermark = true, r.cur.key
		r.left, r.idx = r.cur.n, 0
		r.id = append(append(append(append(r.id[:0], r.cur.job...), '/'), r.cur.task...), '/')
		r.np = len(r.id)
		if h := aliFNV(r.cur.job); !aliHas(r.jobs, h) {
			r.jobs[h] = struct{}{}
			r.stats.Jobs++
		}
	}
	c := &r.cur
	t := Task{
		Submit: c.key, Job: c.job, ID: string(strconv.AppendInt(r.id[:r.np], int64(r.idx), 10)),
		Priority: -1, SchedClass: c.class,
		CPU: c.cpu, Mem: c.mem, Duration: c.dur, Running: c.running, End: c.end,
	}
	r.idx++
	r.left--
	if r.stats.Tasks == 0 {
		r.stats.First = t.Submit
	}
	r.stats.Tasks++
	r.stats.Last = t.Submit
	return t, nil
}

func aliHas(m map[uint64]struct{}, k uint64) bool { _, ok := m[k]; return ok }

// fill reads rows until the window is full or the input ends.
func (r *alibabaReader) fill() error {
	for !r.inputDone && len(r.heap) < r.window {
		if r.opt.MaxRows > 0 && r.stats.Rows >= r.opt.MaxRows {
			r.inputDone = true
			break
		}
		line, err := r.src.next()
		if err == io.EOF {
			r.inputDone = true
			break
		}
		if err != nil {
			if IsRowError(err) && r.opt.SkipBadRows {
				r.stats.Rows++
				r.stats.Bad++
				continue
			}
			if IsRowError(err) {
				r.stats.Rows++
			}
			return err
		}
		if r.src.lineNo() == 1 && r.isHeader(line) {
			r.counts.Headers++
			continue
		}
		r.stats.Rows++
		var d AlibabaCounts
		row, status, msg := r.parse(line, &d)
		if msg != "" {
			if r.opt.SkipBadRows {
				r.stats.Bad++
				continue
			}
			return r.src.rowError(msg)
		}
		r.stats.Events[status]++
		r.counts.OddNames += d.OddNames
		r.counts.NoRequest += d.NoRequest
		r.counts.EndBeforeStart += d.EndBeforeStart
		if row.dropReason != "" {
			r.stats.Events[row.dropReason]++
			r.stats.Dropped++
			r.counts.EndedBefore++
			continue
		}
		r.counts.BeforeWindow += d.BeforeWindow
		if row.key < r.maxKey {
			r.counts.OutOfOrder++
		}
		r.maxKey = max(r.maxKey, row.key)
		if r.started && row.key < r.watermark {
			row.key = r.watermark
			r.stats.Reordered++
			r.counts.Late++
		}
		row.seq = r.seq
		r.seq++
		r.push(row)
	}
	return nil
}

// isHeader says whether line (line 1 of a file) is a header: none of its
// numeric columns holds a number.
func (r *alibabaReader) isHeader(line string) bool {
	numeric := []int{0, 1, 4} // v2017: create, modify, instance_num
	if r.version == 2018 {
		numeric = []int{1, 5, 6} // instance_num, start_time, end_time
	}
	f := strings.Split(line, ",")
	for _, i := range numeric {
		if i >= len(f) {
			return false
		}
		s := strings.TrimSpace(f[i])
		if s == "" {
			return false
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return false
		}
	}
	return true
}

// aliStatuses maps the task statuses of both versions to Task.End ("" for
// statuses that have not ended).
var aliStatuses = map[string]string{
	"Ready": "", "Waiting": "", "Running": "",
	"Terminated": "FINISH", "Failed": "FAIL", "Cancelled": "KILL", "Interrupted": "KILL",
}

// parse turns a line into a row, the row's status, or what is wrong.
// Counts of odd but accepted values go to d, which fill adds to the
// reader's counts only for a good row.
func (r *alibabaReader) parse(line string, d *AlibabaCounts) (row aliRow, status, msg string) {
	want := 8
	if r.version == 2018 {
		want = 9
	}
	r.fields = aliSplit(line, r.fields[:0])
	f := r.fields
	if len(f) != want {
		return row, "", fmt.Sprintf("got %d comma-separated fields, want %d (Alibaba v%d batch_task)", len(f), want, r.version)
	}
	var (
		start, end       sim.Time
		startOK, endOK   bool
		ni, si, ci, mi   int // column indexes: instances, status, cpu, mem
		startCol, endCol string
	)
	if r.version == 2017 {
		row.job, row.task = f[2], f[3]
		ni, si, ci, mi = 4, 5, 6, 7
		startCol, endCol = "create_timestamp", "modify_timestamp"
		if row.job == "" {
			return row, "", "empty job_id"
		}
		if row.task == "" {
			return row, "", "empty task_id"
		}
		row.class = -1
	} else {
		row.task, row.job = f[0], f[2]
		ni, si, ci, mi = 1, 4, 7, 8
		startCol, endCol = "start_time", "end_time"
		if row.task == "" {
			return row, "", "empty task_name"
		}
		if row.job == "" {
			return row, "", "empty job_name"
		}
		if !aliDAGName(row.task) {
			d.OddNames++
		}
		row.class = -1
		if f[3] != "" {
			c, err := strconv.Atoi(f[3])
			if err != nil || c < 0 {
				return row, "", fmt.Sprintf("task_type %q: want a non-negative integer", f[3])
			}
			row.class = c
		}
	}
	status = f[si]
	endName, known := aliStatuses[status]
	if !known {
		return row, "", fmt.Sprintf("status %q: want Ready, Waiting, Running, Terminated, Failed, Cancelled or Interrupted", status)
	}
	n, err := strconv.Atoi(f[ni])
	if err != nil || n < 1 {
		return row, "", fmt.Sprintf("instance_num %q: want an integer >= 1", f[ni])
	}
	if n > MaxInstances {
		return row, "", fmt.Sprintf("instance_num %d exceeds the limit of %d instances per task", n, MaxInstances)
	}
	row.n = n
	si0, ei := 0, 1
	if r.version == 2018 {
		si0, ei = 5, 6
	}
	if start, startOK, msg = aliSeconds(f[si0], startCol); msg != "" {
		return row, "", msg
	}
	if end, endOK, msg = aliSeconds(f[ei], endCol); msg != "" {
		return row, "", msg
	}
	if r.version == 2017 && !startOK {
		return row, "", "empty create_timestamp"
	}
	var none bool
	if row.cpu, none, msg = aliRequest(f[ci], "plan_cpu"); msg != "" {
		return row, "", msg
	}
	noMem := false
	if row.mem, noMem, msg = aliRequest(f[mi], "plan_mem"); msg != "" {
		return row, "", msg
	}
	if none || noMem {
		d.NoRequest++
	}

	// Times: <= 0 means before the trace window.
	ended := endName != ""
	endKnown := ended && endOK // v2017: modify_timestamp of an ended task
	if r.version == 2018 {
		endKnown = endOK && end > 0 // v2018: end_time 0 is outside the window
	}
	before := start <= 0
	if before {
		d.BeforeWindow++
		start = 0
		row.running = status != "Waiting" && status != "Ready"
	}
	row.key = start
	row.dur = Unknown
	switch {
	case !endKnown:
	case end <= 0 && before:
		row.dropReason = AlibabaDropBeforeWindow
	case end <= 0:
		// An end of 0 after a start inside the window: the end is outside it.
	default:
		row.dur = end - start
		if row.dur < 0 {
			row.dur = 0
			d.EndBeforeStart++
		}
		row.end = endName
	}
	return row, status, ""
}

// aliDAGName reports whether a v2018 task name follows the DAG syntax:
// task_<anything>, or letters, a task number and _-separated parent numbers.
func aliDAGName(s string) bool {
	if strings.HasPrefix(s, "task_") {
		return len(s) > len("task_")
	}
	i := 0
	for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
		i++
	}
	if i == 0 {
		return false
	}
	for first := true; ; first = false {
		if !first {
			if i == len(s) {
				return true
			}
			if s[i] != '_' {
				return false
			}
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
}

// aliMaxSeconds bounds trace times so that microseconds never overflow.
const aliMaxSeconds = 1e12

// aliSeconds parses a time in seconds (integer or decimal) into sim.Time;
// ok is false for an empty field.
func aliSeconds(s, col string) (t sim.Time, ok bool, msg string) {
	if s == "" {
		return 0, false, ""
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > aliMaxSeconds || n < -aliMaxSeconds {
			return 0, false, fmt.Sprintf("%s %q out of range", col, s)
		}
		return sim.Time(n) * sim.Second, true, ""
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false, fmt.Sprintf("%s %q: want seconds", col, s)
	}
	if x > aliMaxSeconds || x < -aliMaxSeconds {
		return 0, false, fmt.Sprintf("%s %q out of range", col, s)
	}
	return sim.Time(math.Round(x * float64(sim.Second))), true, ""
}

// aliRequest parses a non-negative finite resource request; empty is 0
// with none set.
func aliRequest(s, col string) (v float64, none bool, msg string) {
	if s == "" {
		return 0, true, ""
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > 1e15 {
		return 0, false, fmt.Sprintf("%s %q: want a non-negative number", col, s)
	}
	return x, false, ""
}

// aliSplit splits a CSV line without quoting into trimmed fields.
func aliSplit(line string, out []string) []string {
	for {
		i := strings.IndexByte(line, ',')
		if i < 0 {
			return append(out, strings.TrimSpace(line))
		}
		out = append(out, strings.TrimSpace(line[:i]))
		line = line[i+1:]
	}
}

// aliFNV is 64-bit FNV-1a: a deterministic key for job sets.
func aliFNV(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// The window is a binary min-heap of small pointer-free entries; the rows
// themselves wait in a slab of reusable slots.
type aliEntry struct {
	key  sim.Time
	seq  int64
	slot int32
}

func aliLess(a, b aliEntry) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	return a.seq < b.seq
}

func (r *alibabaReader) push(row aliRow) {
	var slot int32
	if n := len(r.free); n > 0 {
		slot = r.free[n-1]
		r.free = r.free[:n-1]
		r.slab[slot] = row
	} else {
		slot = int32(len(r.slab))
		r.slab = append(r.slab, row)
	}
	r.heap = append(r.heap, aliEntry{row.key, row.seq, slot})
	h := r.heap
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !aliLess(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (r *alibabaReader) pop() aliRow {
	h := r.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if rr := l + 1; rr < len(h) && aliLess(h[rr], h[l]) {
			m = rr
		}
		if !aliLess(h[m], h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	r.heap = h
	row := r.slab[top.slot]
	r.slab[top.slot] = aliRow{}
	r.free = append(r.free, top.slot)
	return row
}

// rowLines is the line stream of the Alibaba, SWF and machine_meta readers:
// partStream's lines as strings (fields are substrings of one allocation),
// blank lines skipped, an over-long line turned into a RowError.
type rowLines struct{ ps *partStream }

// rowMaxLine bounds one line: a longer one is a malformed row.
const rowMaxLine = partMaxLine

func openRowLines(files []string) (*rowLines, error) {
	if len(files) == 0 {
		return nil, errors.New("traces: no files given")
	}
	srcs, err := partFiles(files)
	if err != nil {
		return nil, err
	}
	return &rowLines{ps: newPartStream(srcs)}, nil
}

// memRowLines reads in-memory files in order (tests, fuzzing, benchmarks):
// names and contents alternate.
func memRowLines(named ...any) *rowLines {
	var srcs []partSource
	for i := 0; i+1 < len(named); i += 2 {
		srcs = append(srcs, partBytes(named[i].(string), named[i+1].([]byte)))
	}
	return &rowLines{ps: newPartStream(srcs)}
}

func (l *rowLines) file() string  { return l.ps.name }
func (l *rowLines) lineNo() int64 { return l.ps.line }

func (l *rowLines) rowError(msg string) error {
	return &RowError{File: l.ps.name, Line: l.ps.line, Msg: msg}
}

// close closes the current file and ends the stream.
func (l *rowLines) close() error {
	l.ps.next = len(l.ps.srcs)
	return l.ps.close()
}

// next returns the next non-blank line (without its line ending), io.EOF
// after the last file, a *RowError for a line over rowMaxLine (skipped),
// or an I/O or decompression error naming the file.
func (l *rowLines) next() (string, error) {
	for {
		b, err := l.ps.read()
		if errors.Is(err, errPartLineTooLong) {
			return "", l.rowError(fmt.Sprintf("line longer than %d bytes", rowMaxLine))
		}
		if err != nil {
			return "", err
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		return string(b), nil
	}
}

// reorderWindow is opt's reorder window, or the default.
func reorderWindow(opt Options) int {
	if opt.ReorderWindow > 0 {
		return opt.ReorderWindow
	}
	return DefaultReorderWindow
}
