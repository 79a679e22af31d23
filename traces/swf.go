package traces

import (
	"fmt"
	"io"
	"maps"
	"math"
	"strconv"
	"strings"

	"github.com/mesosim/mesosim/sim"
)

// SWFMeta is what an SWF file's header (its leading ';' lines of the form
// "; Key: value") says. Numbers the header does not give are -1.
type SWFMeta struct {
	Version       string
	Computer      string
	Installation  string
	MaxJobs       int64
	MaxRecords    int64
	MaxNodes      int64
	MaxProcs      int64
	UnixStartTime int64 // Unix seconds of submit time 0
	TimeZone      int64 // seconds from UTC (the header's TimeZone)
	TimeZoneStr   string
	StartTime     string
	EndTime       string
	// Fields holds every "Key: value" header line's value by key, in
	// file order (Queue, Partition and Note repeat).
	Fields map[string][]string
}

// SWFHeader returns the header of a reader made by OpenSWF (of its first
// file); false for any other reader.
func SWFHeader(r Reader) (SWFMeta, bool) {
	s, ok := r.(*swfReader)
	if !ok {
		return SWFMeta{}, false
	}
	m := s.meta
	m.Fields = maps.Clone(s.meta.Fields)
	return m, true
}

// swfStatus names SWF status codes (field 11) for Stats.Events, and the
// Task.End each gives.
var swfStatus = map[int]struct{ name, end string }{
	-1: {"unknown", ""},
	0:  {"failed", "FAIL"},
	1:  {"completed", "FINISH"},
	2:  {"partial", ""},
	3:  {"partial-completed", "FINISH"},
	4:  {"partial-failed", "FAIL"},
	5:  {"cancelled", "KILL"},
}

// OpenSWF reads Standard Workload Format files (Parallel Workloads
// Archive; plain or .gz, several in order as one stream). The first
// file's header is read at once (SWFHeader); ';' lines elsewhere are
// comments. Each job line has 18 whitespace-separated fields (-1 =
// unknown) and yields one task: ID and Job the job number, Submit the
// submit time, CPU the requested processors (the allocated ones when not
// requested), Mem the requested memory (the used memory when not
// requested; KB per processor) x processors / 1024 in MB (0 when
// unknown), Duration the run time (Unknown when -1), User and Queue the
// user and queue numbers ("" when -1), Priority and SchedClass -1. Jobs
// must come in non-decreasing submit order: a job submitted before the
// one above it is a malformed row.
func OpenSWF(files []string, opt Options) (Reader, error) {
	src, err := openRowLines(files)
	if err != nil {
		return nil, err
	}
	r, err := newSWFReader(src, opt)
	if err != nil {
		src.close()
		return nil, err
	}
	return r, nil
}

type swfReader struct {
	src   *rowLines
	opt   Options
	meta  SWFMeta
	first string // the first data line, read while reading the header
	has1  bool
	done  bool

	prevSubmit sim.Time
	stats      Stats
	err        error
}

func newSWFReader(src *rowLines, opt Options) (*swfReader, error) {
	r := &swfReader{
		src: src, opt: opt,
		stats: Stats{Events: map[string]int64{}},
		meta: SWFMeta{MaxJobs: -1, MaxRecords: -1, MaxNodes: -1, MaxProcs: -1,
			UnixStartTime: -1, TimeZone: -1, Fields: map[string][]string{}},
	}
	firstFile := ""
	for {
		line, err := src.next()
		if err == io.EOF {
			r.done = true
			return r, nil
		}
		if err != nil {
			if IsRowError(err) && opt.SkipBadRows {
				r.stats.Rows++
				r.stats.Bad++
				continue
			}
			return nil, err
		}
		if firstFile == "" {
			firstFile = src.file()
		}
		body, ok := strings.CutPrefix(strings.TrimSpace(line), ";")
		if !ok || src.file() != firstFile {
			r.first, r.has1 = line, true
			return r, nil
		}
		if msg := r.meta.add(body); msg != "" {
			if !opt.SkipBadRows {
				return nil, src.rowError(msg)
			}
			r.stats.Bad++
		}
	}
}

// add records one header line's "Key: value" (without the ';'); lines
// of another shape (notes' continuation lines, blanks) are ignored.
func (m *SWFMeta) add(body string) string {
	body = strings.TrimSpace(body)
	key, val, ok := strings.Cut(body, ":")
	if !ok || key == "" || strings.ContainsAny(key, " \t") || (val != "" && val[0] != ' ' && val[0] != '\t') {
		return ""
	}
	val = strings.TrimSpace(val)
	m.Fields[key] = append(m.Fields[key], val)
	num := func(dst *int64) string {
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return fmt.Sprintf("SWF header %s %q: want an integer", key, val)
		}
		*dst = n
		return ""
	}
	switch key {
	case "Version":
		m.Version = val
	case "Computer":
		m.Computer = val
	case "Installation":
		m.Installation = val
	case "MaxJobs":
		return num(&m.MaxJobs)
	case "MaxRecords":
		return num(&m.MaxRecords)
	case "MaxNodes":
		return num(&m.MaxNodes)
	case "MaxProcs":
		return num(&m.MaxProcs)
	case "UnixStartTime":
		return num(&m.UnixStartTime)
	case "TimeZone":
		return num(&m.TimeZone)
	case "TimeZoneString":
		m.TimeZoneStr = val
	case "StartTime":
		m.StartTime = val
	case "EndTime":
		m.EndTime = val
	}
	return ""
}

func (r *swfReader) Units() Units { return Units{CPU: "cores", Mem: "MB"} }

func (r *swfReader) Stats() Stats {
	s := r.stats
	s.Events = maps.Clone(r.stats.Events)
	return s
}

func (r *swfReader) Close() error { return r.src.close() }

// Next yields the next job's task. Errors are sticky.
func (r *swfReader) Next() (Task, error) {
	if r.err != nil {
		return Task{}, r.err
	}
	for {
		t, err := r.next()
		if err == nil {
			return t, nil
		}
		if IsRowError(err) && r.opt.SkipBadRows {
			r.stats.Bad++
			continue
		}
		r.err = err
		return Task{}, err
	}
}

func (r *swfReader) next() (Task, error) {
	var line string
	for {
		if r.opt.MaxRows > 0 && r.stats.Rows >= r.opt.MaxRows {
			return Task{}, io.EOF
		}
		if r.has1 {
			line, r.has1 = r.first, false
		} else {
			if r.done {
				return Task{}, io.EOF
			}
			l, err := r.src.next()
			if err == io.EOF {
				r.done = true
				return Task{}, io.EOF
			}
			if err != nil {
				if IsRowError(err) {
					r.stats.Rows++
				}
				return Task{}, err
			}
			line = l
		}
		if strings.HasPrefix(strings.TrimSpace(line), ";") {
			continue
		}
		break
	}
	r.stats.Rows++
	t, status, msg := r.parse(line)
	if msg != "" {
		return Task{}, r.src.rowError(msg)
	}
	if t.Submit < r.prevSubmit {
		return Task{}, r.src.rowError(fmt.Sprintf("submit time %gs is before the previous job's %gs: SWF jobs must be in submit order",
			t.Submit.Seconds(), r.prevSubmit.Seconds()))
	}
	r.prevSubmit = t.Submit
	r.stats.Events[status]++
	if r.stats.Tasks == 0 {
		r.stats.First = t.Submit
	}
	r.stats.Tasks++
	r.stats.Jobs++
	r.stats.Last = t.Submit
	return t, nil
}

// SWF field indexes (0-based).
const (
	swfJob = iota
	swfSubmit
	swfWait
	swfRun
	swfAllocProcs
	swfAvgCPU
	swfUsedMem
	swfReqProcs
	swfReqTime
	swfReqMem
	swfStatusCol
	swfUser
	swfGroup
	swfExe
	swfQueue
	swfPartition
	swfPreceding
	swfThink
	swfFields
)

var swfNames = [swfFields]string{
	"job number", "submit time", "wait time", "run time", "allocated processors",
	"average CPU time", "used memory", "requested processors", "requested time",
	"requested memory", "status", "user", "group", "executable", "queue",
	"partition", "preceding job", "think time",
}

func (r *swfReader) parse(line string) (t Task, status, msg string) {
	var f [swfFields]string
	var v [swfFields]float64
	n := 0
	for s := line; ; {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			break
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			i = len(s)
		}
		if n == swfFields {
			return t, "", fmt.Sprintf("more than %d whitespace-separated fields (SWF)", swfFields)
		}
		f[n] = s[:i]
		s = s[i:]
		n++
	}
	if n != swfFields {
		return t, "", fmt.Sprintf("got %d whitespace-separated fields, want %d (SWF)", n, swfFields)
	}
	for i := range f {
		x, err := strconv.ParseFloat(f[i], 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > aliMaxSeconds {
			return t, "", fmt.Sprintf("field %d (%s) %q: want a number", i+1, swfNames[i], f[i])
		}
		v[i] = x
	}
	// known says whether a field is given: -1 is unknown, other negatives
	// are malformed.
	known := func(i int) (bool, string) {
		switch {
		case v[i] == -1:
			return false, ""
		case v[i] < 0:
			return false, fmt.Sprintf("field %d (%s) %s: want -1 or >= 0", i+1, swfNames[i], f[i])
		}
		return true, ""
	}
	for _, i := range []int{swfSubmit, swfRun, swfAllocProcs, swfUsedMem, swfReqProcs, swfReqMem} {
		if _, m := known(i); m != "" {
			return t, "", m
		}
	}
	if v[swfSubmit] == -1 {
		return t, "", "field 2 (submit time) is -1: a job needs a submit time"
	}
	t.ID, t.Job = f[swfJob], f[swfJob]
	t.Submit = sim.FromSeconds(v[swfSubmit])
	t.Priority, t.SchedClass = -1, -1
	procs := 0.0
	switch {
	case v[swfReqProcs] > 0:
		procs = v[swfReqProcs]
	case v[swfAllocProcs] > 0:
		procs = v[swfAllocProcs]
	}
	t.CPU = procs
	switch {
	case v[swfReqMem] >= 0:
		t.Mem = v[swfReqMem] * procs / 1024
	case v[swfUsedMem] >= 0:
		t.Mem = v[swfUsedMem] * procs / 1024
	}
	st, ok := swfStatus[int(v[swfStatusCol])]
	if !ok || v[swfStatusCol] != math.Trunc(v[swfStatusCol]) {
		return t, "", fmt.Sprintf("field 11 (status) %q: want -1 or 0 to 5", f[swfStatusCol])
	}
	t.Duration = Unknown
	if v[swfRun] >= 0 {
		t.Duration = sim.FromSeconds(v[swfRun])
		t.End = st.end
	}
	if v[swfUser] != -1 {
		t.User = f[swfUser]
	}
	if v[swfQueue] != -1 {
		t.Queue = f[swfQueue]
	}
	return t, st.name, ""
}
