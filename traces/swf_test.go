package traces

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

func memSWF(t testing.TB, data string, opt Options) (*swfReader, error) {
	t.Helper()
	return newSWFReader(memRowLines("t.swf", []byte(data)), opt)
}

func TestSWFExcerpt(t *testing.T) {
	r, err := OpenSWF([]string{filepath.Join("testdata", "swf", "NASA-iPSC-1993-3.1-cln-excerpt.swf.gz")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h, ok := SWFHeader(r)
	if !ok {
		t.Fatal("no header")
	}
	if h.MaxProcs != 128 || h.MaxNodes != 128 || h.MaxJobs != 18239 || h.MaxRecords != 18239 ||
		h.UnixStartTime != 749458803 || h.TimeZone != -28800 || h.TimeZoneStr != "US/Pacific" ||
		h.Version != "2.2" || h.Computer != "Intel iPSC/860" || h.Installation != "NASA Ames Research Center" ||
		h.StartTime != "Fri Oct 01 00:00:03 PDT 1993" || h.EndTime != "Fri Dec 31 23:03:45 PST 1993" {
		t.Errorf("header %+v", h)
	}
	if q := h.Fields["Queue"]; !reflect.DeepEqual(q, []string{"0  interactive", "1  batch"}) {
		t.Errorf("queues %q", q)
	}
	if n := len(h.Fields["Note"]); n != 4 {
		t.Errorf("%d notes, want 4", n)
	}
	if _, ok := h.Fields["http"]; ok {
		t.Error("a URL continuation line taken for a header field")
	}
	if u := r.Units(); u != (Units{CPU: "cores", Mem: "MB"}) {
		t.Errorf("units %+v", u)
	}
	got, err := aliDrain(t, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.Second
	job := func(id string, submit, run sim.Time, cpu float64, user string) Task {
		return Task{Submit: submit, Job: id, ID: id, Priority: -1, SchedClass: -1, User: user, CPU: cpu, Duration: run}
	}
	want := []Task{
		job("1", 0, 1451*s, 128, "1"),
		job("2", 1460*s, 3726*s, 128, "1"),
		job("3", 5198*s, 1067*s, 128, "1"),
		job("4", 6269*s, 10927*s, 128, "2"),
		job("5", 17201*s, 2927*s, 128, "1"),
		job("57", 25574*s, 10*s, 1, "4"),
		job("59", 26613*s, 716*s, 32, "4"),
	}
	if len(got) != 40 {
		t.Fatalf("%d jobs, want 40", len(got))
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("job %d:\n got %+v\nwant %+v", i, got[i], w)
		}
	}
	st := r.Stats()
	last := got[len(got)-1].Submit
	wantStats := Stats{Rows: 40, Tasks: 40, Jobs: 40, First: 0, Last: last, Events: map[string]int64{"unknown": 40}}
	if !reflect.DeepEqual(st, wantStats) {
		t.Errorf("stats\n got %+v\nwant %+v", st, wantStats)
	}
	if _, ok := SWFHeader(nil); ok {
		t.Error("SWFHeader of nil")
	}
}

func TestSWFFields(t *testing.T) {
	data := "; MaxProcs: 16\n" +
		"1 10 5 100 4 -1 512 8 200 2048 1 7 2 3 1 0 -1 -1\n" + // requested procs and memory
		"; a comment between jobs\n\n" +
		"2 10 -1 -1 4 -1 256 -1 -1 -1 0 -1 -1 -1 -1 -1 -1 -1\n" + // allocated procs, used memory, run unknown
		"3 12.5 -1 0.25 -1 -1 -1 -1 -1 -1 5 8 -1 -1 2 -1 -1 -1\n" // no procs: CPU 0, fractional seconds
	r, err := memSWF(t, data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := aliDrain(t, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Task{
		{Submit: 10 * sim.Second, Job: "1", ID: "1", Priority: -1, SchedClass: -1, User: "7", Queue: "1", CPU: 8, Mem: 16, Duration: 100 * sim.Second, End: "FINISH"},
		{Submit: 10 * sim.Second, Job: "2", ID: "2", Priority: -1, SchedClass: -1, CPU: 4, Mem: 1, Duration: Unknown},
		{Submit: 12500 * sim.Millisecond, Job: "3", ID: "3", Priority: -1, SchedClass: -1, User: "8", Queue: "2", Duration: 250 * sim.Millisecond, End: "KILL"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if st := r.Stats(); !reflect.DeepEqual(st.Events, map[string]int64{"completed": 1, "failed": 1, "cancelled": 1}) {
		t.Errorf("events %v", st.Events)
	}
	if h, _ := SWFHeader(r); h.MaxProcs != 16 || h.UnixStartTime != -1 {
		t.Errorf("header %+v", h)
	}
}

func TestSWFMalformed(t *testing.T) {
	good := "1 10 -1 100 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n"
	cases := []struct{ line, msg string }{
		{"2 20 -1 100 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1", "got 17 whitespace-separated fields, want 18"},
		{"2 20 -1 100 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1 7", "more than 18 whitespace-separated fields"},
		{"2 20 -1 1x0 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1", `field 4 (run time) "1x0": want a number`},
		{"2 20 -1 -5 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1", "field 4 (run time) -5: want -1 or >= 0"},
		{"2 20 -1 100 4 -1 -1 -1 -1 -1 7 1 1 -1 -1 -1 -1 -1", `field 11 (status) "7"`},
		{"2 -1 -1 100 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1", "field 2 (submit time) is -1"},
		{"2 9 -1 100 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1", "submit time 9s is before the previous job's 10s"},
		{"2 20 -1 100 4 -1 -1 -1 -1 NaN 1 1 1 -1 -1 -1 -1 -1", `field 10 (requested memory) "NaN"`},
	}
	for _, c := range cases {
		data := "; MaxProcs: 8\n" + good + c.line + "\n" + strings.Replace(good, "1 10", "3 30", 1)
		r, err := memSWF(t, data, Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = aliDrain(t, r, 0)
		var re *RowError
		if !errors.As(err, &re) || re.File != "t.swf" || re.Line != 3 || !strings.Contains(re.Msg, c.msg) {
			t.Errorf("%q: err %v, want t.swf:3: ...%s...", c.line, err, c.msg)
			continue
		}
		r, _ = memSWF(t, data, Options{SkipBadRows: true})
		got, err := aliDrain(t, r, 0)
		if st := r.Stats(); err != nil || len(got) != 2 || st.Bad != 1 || st.Rows != 3 {
			t.Errorf("%q skipped: %d tasks, err %v, stats %+v", c.line, len(got), err, st)
		}
	}
	if _, err := memSWF(t, "; MaxProcs: many\n"+good, Options{}); !IsRowError(err) || !strings.Contains(err.Error(), "t.swf:1: SWF header MaxProcs") {
		t.Errorf("bad header: %v", err)
	}
	r, err := memSWF(t, "; MaxProcs: many\n"+good, Options{SkipBadRows: true})
	if err != nil || r.stats.Bad != 1 || r.meta.MaxProcs != -1 {
		t.Errorf("bad header skipped: %v", err)
	}
	if got, err := aliDrain(t, r, 0); err != nil || len(got) != 1 {
		t.Errorf("after a bad header: %d jobs, %v", len(got), err)
	}
}

func TestSWFFilesAndMaxRows(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.swf"), filepath.Join(dir, "b.swf.gz")
	os.WriteFile(a, []byte("; MaxProcs: 4\r\n1 0 -1 5 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\r\n"), 0o644)
	os.WriteFile(b, aliGz(t, "; MaxProcs: 99\n2 3 -1 5 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n3 4 -1 5 1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1"), 0o644)
	r, err := OpenSWF([]string{a, b}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := aliDrain(t, r, 0)
	if err != nil || len(got) != 3 {
		t.Fatalf("%d jobs, %v", len(got), err)
	}
	if h, _ := SWFHeader(r); h.MaxProcs != 4 {
		t.Errorf("header from the first file only: %+v", h)
	}
	r.Close()
	r, _ = OpenSWF([]string{a, b}, Options{MaxRows: 2})
	if got, err := aliDrain(t, r, 0); err != nil || len(got) != 2 || r.Stats().Rows != 2 {
		t.Errorf("MaxRows 2: %d jobs, %v, %+v", len(got), err, r.Stats())
	}
	r.Close()
	// A header-only file is an empty trace.
	os.WriteFile(a, []byte("; MaxProcs: 4\n"), 0o644)
	r, err = OpenSWF([]string{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("empty trace: %v", err)
	}
}

func TestSWFFullSample(t *testing.T) {
	file := aliSample(t, "swf", "NASA-iPSC-1993-3.1-cln.swf.gz")
	r, err := OpenSWF([]string{file}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h, _ := SWFHeader(r)
	if h.MaxProcs != 128 || h.UnixStartTime != 749458803 {
		t.Errorf("header %+v", h)
	}
	got, err := aliDrain(t, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Stats()
	if len(got) != 18239 || st.Rows != 18239 || st.Jobs != 18239 || st.Bad != 0 || st.Events["unknown"] != 18239 {
		t.Errorf("%d jobs, stats %+v", len(got), st)
	}
	maxCPU := 0.0
	for _, task := range got {
		if task.Duration == Unknown || task.CPU < 1 {
			t.Fatalf("job %+v", task)
		}
		maxCPU = math.Max(maxCPU, task.CPU)
	}
	if maxCPU != float64(h.MaxProcs) {
		t.Errorf("largest job %v processors, MaxProcs %d", maxCPU, h.MaxProcs)
	}
}

func FuzzSWF(f *testing.F) {
	f.Add([]byte("; MaxProcs: 16\n; UnixStartTime: 5\n1 10 5 100 4 -1 512 8 200 2048 1 7 2 3 1 0 -1 -1\n2 10 -1 -1 4 -1 256 -1 -1 -1 0 -1 -1 -1 -1 -1 -1 -1\n"), false)
	f.Add([]byte("1 10 -1 100 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n2 9 -1 100 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		read := func() ([]Task, Stats, SWFMeta, error) {
			r, err := newSWFReader(memRowLines("f.swf", data), Options{SkipBadRows: skip})
			if err != nil {
				return nil, Stats{}, SWFMeta{}, err
			}
			defer r.Close()
			got, err := aliDrain(t, r, 0)
			h, _ := SWFHeader(r)
			return got, r.Stats(), h, err
		}
		got, st, h, err := read()
		if err != nil && skip && IsRowError(err) {
			t.Fatalf("RowError with SkipBadRows: %v", err)
		}
		var prev sim.Time
		for _, task := range got {
			if task.Submit < prev || task.Submit < 0 || task.CPU < 0 || task.Mem < 0 || math.IsNaN(task.Mem) ||
				task.Duration < 0 && task.Duration != Unknown || task.ID == "" {
				t.Fatalf("%+v after %v", task, prev)
			}
			prev = task.Submit
		}
		if err == nil && (st.Tasks != int64(len(got)) || st.Rows != st.Tasks+st.Bad-headerBad(st, h)) {
			t.Fatalf("stats %+v for %d jobs", st, len(got))
		}
		got2, st2, h2, err2 := read()
		if !reflect.DeepEqual(got, got2) || !reflect.DeepEqual(st, st2) || !reflect.DeepEqual(h, h2) || (err == nil) != (err2 == nil) {
			t.Fatal("two reads of one input differ")
		}
	})
}

// headerBad is how many of st.Bad were header lines (not rows): the
// header's numeric fields that stayed -1 although given.
func headerBad(st Stats, h SWFMeta) int64 {
	var n int64
	for _, k := range []string{"MaxJobs", "MaxRecords", "MaxNodes", "MaxProcs", "UnixStartTime", "TimeZone"} {
		for _, v := range h.Fields[k] {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				n++
			}
		}
	}
	return n
}

// BenchmarkReadSWF reads the NASA iPSC/860 sample (18,239 jobs).
func BenchmarkReadSWF(b *testing.B) {
	data, name := benchInput(b, filepath.Join("testdata", "swf", "NASA-iPSC-1993-3.1-cln-excerpt.swf.gz"), "swf", "NASA-iPSC-1993-3.1-cln.swf.gz")
	benchRead(b, func() (Reader, error) {
		return newSWFReader(memRowLines(name, data), Options{})
	})
}
