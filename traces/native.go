package traces

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mesosim/mesosim/sim"
)

// NativeTask is one line of mesosim's native JSONL trace format: one task
// per line, lines in non-decreasing submit order. docs/traces.md
// documents each field. CPUs are cores and Mem is MB.
type NativeTask struct {
	Submit     sim.Time // "submit": µs from the trace's origin (>= 0; 0 for running tasks)
	Job        string   // "job": job name (optional, default "")
	ID         string   // "task": task ID (required, non-empty)
	Class      string   // "class": framework class, Task.Queue (optional)
	CPUs       float64  // "cpus": cores (>= 0)
	Mem        float64  // "mem": MB (>= 0)
	Duration   sim.Time // "duration": µs, or -1 = runs to the horizon
	Running    bool     // "running": already running at time 0 (optional)
	Priority   int      // "priority": optional, default -1 (none)
	User       string   // "user": optional
	SchedClass int      // "sched_class": optional, default -1 (none)
	End        string   // "end": FINISH, FAIL, KILL, EVICT, LOST or "" (optional)
}

// NativeUnits are the units of the native format.
var NativeUnits = Units{CPU: "cores", Mem: "MB"}

// ToNative copies t field by field (Class = t.Queue) without converting
// units: use it for a reader already in cores and MB, or as the start of
// a conversion.
func ToNative(t Task) NativeTask {
	return NativeTask{
		Submit: t.Submit, Job: t.Job, ID: t.ID, Class: t.Queue,
		CPUs: t.CPU, Mem: t.Mem, Duration: t.Duration, Running: t.Running,
		Priority: t.Priority, User: t.User, SchedClass: t.SchedClass, End: t.End,
	}
}

// NativeConv returns a conversion for WriteNative that multiplies CPU by
// cores and Mem by mb (e.g. 32 and 65536 for normalised requests on 32
// core, 64 GiB machines) and, when class is not nil, sets Class to
// class(t).
func NativeConv(cores, mb float64, class func(Task) string) func(Task) NativeTask {
	return func(t Task) NativeTask {
		n := ToNative(t)
		n.CPUs, n.Mem = t.CPU*cores, t.Mem*mb
		if class != nil {
			n.Class = class(t)
		}
		return n
	}
}

// NativeConvUnits returns a conversion for WriteNative from a reader's
// units (Reader.Units) to cores and MB. cores and mb are the size of the
// largest machine, which normalised requests are relative to (e.g. 32 and
// 65536); they are needed only for normalised units. CPU "percent-core"
// is divided by 100, "cores" kept; Mem "percent" (100 = the largest
// machine) is scaled by mb/100, "MB" kept. class, when not nil, names each
// task's class. Unknown units, or a normalised unit without a machine
// size, are an error.
func NativeConvUnits(u Units, cores, mb float64, class func(Task) string) (func(Task) NativeTask, error) {
	var cpu, mem float64
	switch u.CPU {
	case "cores":
		cpu = 1
	case "percent-core":
		cpu = 0.01
	case "normalised":
		if !(cores > 0) || math.IsInf(cores, 0) {
			return nil, fmt.Errorf("native: CPU requests are normalised: give the largest machine's cores")
		}
		cpu = cores
	default:
		return nil, fmt.Errorf("native: unknown CPU unit %q", u.CPU)
	}
	switch u.Mem {
	case "MB":
		mem = 1
	case "percent", "normalised":
		if !(mb > 0) || math.IsInf(mb, 0) {
			return nil, fmt.Errorf("native: memory requests are %s: give the largest machine's MB", u.Mem)
		}
		mem = mb
		if u.Mem == "percent" {
			mem = mb / 100
		}
	default:
		return nil, fmt.Errorf("native: unknown memory unit %q", u.Mem)
	}
	return NativeConv(cpu, mem, class), nil
}

// Task is the Task a native line stands for (Queue = Class).
func (n NativeTask) Task() Task {
	return Task{
		Submit: n.Submit, Job: n.Job, ID: n.ID, Priority: n.Priority,
		SchedClass: n.SchedClass, User: n.User, Queue: n.Class,
		CPU: n.CPUs, Mem: n.Mem, Duration: n.Duration, Running: n.Running, End: n.End,
	}
}

// check says what is wrong with n ("" if nothing).
func (n *NativeTask) check() string {
	switch {
	case n.Submit < 0:
		return fmt.Sprintf("submit %d is negative", n.Submit)
	case n.ID == "":
		return `"task" is empty`
	case math.IsNaN(n.CPUs) || math.IsInf(n.CPUs, 0) || n.CPUs < 0:
		return fmt.Sprintf("cpus %v is not a number >= 0", n.CPUs)
	case math.IsNaN(n.Mem) || math.IsInf(n.Mem, 0) || n.Mem < 0:
		return fmt.Sprintf("mem %v is not a number >= 0", n.Mem)
	case n.Duration < Unknown:
		return fmt.Sprintf("duration %d is neither >= 0 nor -1", n.Duration)
	case n.Running && n.Submit != 0:
		return fmt.Sprintf("a running task has submit %d, want 0", n.Submit)
	case n.SchedClass < -1:
		return fmt.Sprintf("sched_class %d is neither >= 0 nor -1", n.SchedClass)
	}
	switch n.End {
	case "", EndFinish, EndFail, EndKill, EndEvict, EndLost:
	default:
		return fmt.Sprintf("end %q is not FINISH, FAIL, KILL, EVICT, LOST or empty", n.End)
	}
	for _, s := range [...]string{n.Job, n.ID, n.Class, n.User} {
		if !utf8.ValidString(s) {
			return fmt.Sprintf("string %q is not valid UTF-8", s)
		}
	}
	return ""
}

// AppendNative appends n as one JSON line (with "\n"). It does not check n.
func AppendNative(b []byte, n NativeTask) []byte {
	b = append(b, `{"submit":`...)
	b = strconv.AppendInt(b, int64(n.Submit), 10)
	b = append(b, `,"job":`...)
	b = nativeAppendString(b, n.Job)
	b = append(b, `,"task":`...)
	b = nativeAppendString(b, n.ID)
	b = append(b, `,"class":`...)
	b = nativeAppendString(b, n.Class)
	b = append(b, `,"cpus":`...)
	b = strconv.AppendFloat(b, n.CPUs, 'g', -1, 64)
	b = append(b, `,"mem":`...)
	b = strconv.AppendFloat(b, n.Mem, 'g', -1, 64)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(n.Duration), 10)
	b = append(b, `,"running":`...)
	b = strconv.AppendBool(b, n.Running)
	b = append(b, `,"priority":`...)
	b = strconv.AppendInt(b, int64(n.Priority), 10)
	b = append(b, `,"user":`...)
	b = nativeAppendString(b, n.User)
	if n.SchedClass >= 0 {
		b = append(b, `,"sched_class":`...)
		b = strconv.AppendInt(b, int64(n.SchedClass), 10)
	}
	if n.End != "" {
		b = append(b, `,"end":`...)
		b = nativeAppendString(b, n.End)
	}
	return append(b, "}\n"...)
}

// nativeAppendString appends s (valid UTF-8) as a JSON string.
func nativeAppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// WriteNative writes every task of r as native JSONL to w. conv converts
// each task (units, class: see NativeConv and NativeConvUnits); nil means
// ToNative, allowed only when r is already in cores and MB. Each line is checked as OpenNative would, and
// the converted submit times must stay in non-decreasing order. WriteNative
// does not close r.
func WriteNative(w io.Writer, r Reader, conv func(Task) NativeTask) error {
	if conv == nil {
		if u := r.Units(); u != NativeUnits {
			return fmt.Errorf("native: the reader's units are %s/%s, not cores/MB: give a conversion (e.g. NativeConv)", u.CPU, u.Mem)
		}
		conv = ToNative
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var line []byte
	last := sim.Time(0)
	for i := int64(1); ; i++ {
		t, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		n := conv(t)
		if msg := n.check(); msg != "" {
			return fmt.Errorf("native: task %d (%s): %s", i, t.ID, msg)
		}
		if n.Submit < last {
			return fmt.Errorf("native: task %d (%s): submit %d before the previous task's %d", i, t.ID, n.Submit, last)
		}
		last = n.Submit
		line = AppendNative(line[:0], n)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// NativeReader reads native JSONL files. See OpenNative.
type NativeReader struct {
	opt   Options
	lines *partStream
	stats Stats
	last  sim.Time
	prev  NativeTask // the last line accepted, to share its strings
	jobs  map[string]struct{}
	err   error
	eof   bool
}

// OpenNative opens native JSONL files (plain or gzip-compressed), read in
// the given order as one stream.
func OpenNative(files []string, opt Options) (Reader, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("native: no files")
	}
	srcs, err := partFiles(files)
	if err != nil {
		return nil, err
	}
	return newNativeReader(srcs, opt), nil
}

func newNativeReader(srcs []partSource, opt Options) *NativeReader {
	return &NativeReader{
		opt: opt, lines: newPartStream(srcs),
		stats: Stats{Events: make(map[string]int64)},
		jobs:  make(map[string]struct{}),
	}
}

// Units: cores and MB.
func (r *NativeReader) Units() Units { return NativeUnits }

// Stats reports what was read so far; Events counts tasks by "end"
// ("UNKNOWN" when it has none).
func (r *NativeReader) Stats() Stats {
	s := r.stats
	s.Events = maps.Clone(r.stats.Events)
	return s
}

// Close closes the files.
func (r *NativeReader) Close() error { return r.lines.close() }

// Next returns the next line's task, or io.EOF.
func (r *NativeReader) Next() (Task, error) {
	for {
		if r.err != nil {
			return Task{}, r.err
		}
		if r.eof || (r.opt.MaxRows > 0 && r.stats.Rows >= r.opt.MaxRows) {
			r.eof = true
			return Task{}, io.EOF
		}
		line, err := r.lines.read()
		if err == io.EOF {
			r.eof = true
			continue
		}
		var msg string
		var n NativeTask
		switch {
		case err == errPartLineTooLong:
			msg = err.Error()
		case err != nil:
			r.err = err
			continue
		case nativeBlank(line):
			continue
		default:
			n, msg = parseNative(line, &r.prev)
			if msg == "" && n.Submit < r.last {
				msg = fmt.Sprintf("submit %d before the previous line's %d (lines must be in non-decreasing submit order)", n.Submit, r.last)
			}
		}
		r.stats.Rows++
		if msg != "" {
			if r.opt.SkipBadRows {
				r.stats.Bad++
				continue
			}
			r.err = &RowError{File: r.lines.name, Line: r.lines.line, Msg: msg}
			continue
		}
		r.last = n.Submit
		r.prev = n
		t := n.Task()
		r.stats.Tasks++
		if r.stats.Tasks == 1 {
			r.stats.First = t.Submit
		}
		r.stats.Last = t.Submit
		if _, ok := r.jobs[t.Job]; !ok {
			r.jobs[t.Job] = struct{}{}
			r.stats.Jobs++
		}
		end := t.End
		if end == "" {
			end = "UNKNOWN"
		}
		r.stats.Events[end]++
		return t, nil
	}
}

// nativeReuse returns b as a string, reusing old or a known end when
// equal.
func nativeReuse(b []byte, old string) string {
	if string(b) == old {
		return old
	}
	for _, e := range [...]string{EndFinish, EndFail, EndKill, EndEvict, EndLost} {
		if string(b) == e {
			return e
		}
	}
	return string(b)
}

// nativeBlank reports whether a line is empty or only whitespace.
func nativeBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// Native fields, for the parser: bit i of the seen set is field i.
var nativeFields = [...]string{
	"submit", "job", "task", "class", "cpus", "mem", "duration",
	"running", "priority", "user", "sched_class", "end",
}

const nativeRequired = 1<<0 | 1<<2 | 1<<4 | 1<<5 | 1<<6 // submit task cpus mem duration

// parseNative parses one line strictly: a single JSON object whose keys
// are all known fields, each at most once, with values of the field's
// type (integers without fraction or exponent; no nulls); then checks it.
// Strings equal to prev's are shared with it rather than allocated again.
func parseNative(line []byte, prev *NativeTask) (NativeTask, string) {
	n := NativeTask{Priority: -1, SchedClass: -1}
	p := nativeParser{b: line}
	p.ws()
	if !p.eat('{') {
		return n, "not a JSON object"
	}
	seen := 0
	p.ws()
	if !p.eat('}') {
		for {
			p.ws()
			kb, ok := p.str()
			if !ok {
				return n, "bad or missing key " + p.where()
			}
			p.ws()
			if !p.eat(':') {
				return n, fmt.Sprintf("missing ':' after %q", kb)
			}
			p.ws()
			f := -1
			for i, name := range nativeFields {
				if string(kb) == name {
					f = i
					break
				}
			}
			if f < 0 {
				return n, fmt.Sprintf("unknown field %q", kb)
			}
			key := nativeFields[f]
			if seen&(1<<f) != 0 {
				return n, fmt.Sprintf("field %q given twice", key)
			}
			seen |= 1 << f
			var msg string
			switch key {
			case "submit":
				var v int64
				v, msg = p.int(key)
				n.Submit = sim.Time(v)
			case "duration":
				var v int64
				v, msg = p.int(key)
				n.Duration = sim.Time(v)
			case "priority", "sched_class":
				var v int64
				v, msg = p.int(key)
				if msg == "" && (v < math.MinInt32 || v > math.MaxInt32) {
					msg = fmt.Sprintf("%s %d is out of range", key, v)
				}
				if key == "priority" {
					n.Priority = int(v)
				} else {
					n.SchedClass = int(v)
				}
			case "cpus":
				n.CPUs, msg = p.float(key)
			case "mem":
				n.Mem, msg = p.float(key)
			case "running":
				switch {
				case p.lit("true"):
					n.Running = true
				case p.lit("false"):
				default:
					msg = "running is not true or false"
				}
			default: // strings
				s, ok := p.str()
				if !ok {
					msg = fmt.Sprintf("%s is not a valid JSON string", key)
				}
				switch key {
				case "job":
					n.Job = nativeReuse(s, prev.Job)
				case "task":
					n.ID = string(s)
				case "class":
					n.Class = nativeReuse(s, prev.Class)
				case "user":
					n.User = nativeReuse(s, prev.User)
				case "end":
					n.End = nativeReuse(s, "")
				}
			}
			if msg != "" {
				return n, msg
			}
			p.ws()
			if p.eat('}') {
				break
			}
			if !p.eat(',') {
				return n, "expected ',' or '}' " + p.where()
			}
		}
	}
	p.ws()
	if p.i != len(p.b) {
		return n, "data after the object " + p.where()
	}
	if missing := nativeRequired &^ seen; missing != 0 {
		for i, name := range nativeFields {
			if missing&(1<<i) != 0 {
				return n, fmt.Sprintf("missing field %q", name)
			}
		}
	}
	return n, n.check()
}

type nativeParser struct {
	b   []byte
	i   int
	esc []byte // buffer for strings with escapes
}

func (p *nativeParser) where() string { return fmt.Sprintf("at byte %d", p.i+1) }

func (p *nativeParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

func (p *nativeParser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *nativeParser) lit(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

// number scans a JSON number and returns its text and whether it has a
// fraction or exponent.
func (p *nativeParser) number() ([]byte, bool, bool) {
	start, frac := p.i, false
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	p.eat('-')
	if p.eat('0') {
		// a leading zero stands alone
	} else if digits() == 0 {
		return nil, false, false
	}
	if p.eat('.') {
		frac = true
		if digits() == 0 {
			return nil, false, false
		}
	}
	if p.eat('e') || p.eat('E') {
		frac = true
		if !p.eat('+') {
			p.eat('-')
		}
		if digits() == 0 {
			return nil, false, false
		}
	}
	return p.b[start:p.i], frac, true
}

func (p *nativeParser) int(key string) (int64, string) {
	text, frac, ok := p.number()
	if !ok {
		return 0, fmt.Sprintf("%s is not a number", key)
	}
	if frac {
		return 0, fmt.Sprintf("%s %s is not an integer", key, text)
	}
	v, err := strconv.ParseInt(string(text), 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("%s %s is out of range", key, text)
	}
	return v, ""
}

func (p *nativeParser) float(key string) (float64, string) {
	text, _, ok := p.number()
	if !ok {
		return 0, fmt.Sprintf("%s is not a number", key)
	}
	v, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return 0, fmt.Sprintf("%s %s is out of range", key, text)
	}
	return v, ""
}

// str scans a JSON string: escapes are decoded; raw control characters,
// invalid UTF-8 and unpaired surrogates are errors. The bytes returned
// are valid until the parser's next call.
func (p *nativeParser) str() ([]byte, bool) {
	if !p.eat('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) { // fast path: no escapes
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return nil, false
			}
			return s, true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	out := append(p.esc[:0], p.b[start:p.i]...)
	defer func() { p.esc = out[:0] }()
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				return nil, false
			}
			return out, true
		case c < 0x20:
			return nil, false
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			return nil, false
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return nil, false
			}
			if utf16.IsSurrogate(r) {
				if !p.lit(`\u`) {
					return nil, false
				}
				r2, ok := p.hex4()
				if !ok {
					return nil, false
				}
				if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
					return nil, false
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, false
		}
	}
	return nil, false
}

func (p *nativeParser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
