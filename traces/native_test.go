package traces

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

func nOpen(t testing.TB, files []string, opt Options) *NativeReader {
	t.Helper()
	r, err := OpenNative(files, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r.(*NativeReader)
}

func TestNativeSample(t *testing.T) {
	r := nOpen(t, []string{filepath.Join("testdata", "native", "sample.jsonl")}, Options{})
	if r.Units() != (Units{CPU: "cores", Mem: "MB"}) {
		t.Errorf("units %+v", r.Units())
	}
	got := gAll(t, r)
	want := []Task{
		{Submit: 0, Job: "web", ID: "web/0", Queue: "service", CPU: 2, Mem: 4096, Duration: Unknown,
			Running: true, Priority: 9, User: "alice", SchedClass: -1},
		{Submit: 0, Job: "etl", ID: "etl/0", Queue: "batch", CPU: 0.5, Mem: 512, Duration: 90 * sim.Second,
			Priority: 0, User: "bob", SchedClass: 1, End: EndFinish},
		{Submit: 1500 * sim.Millisecond, Job: "etl", ID: "etl/1", Queue: "batch", CPU: 0.5, Mem: 512,
			Duration: 30 * sim.Second, Priority: -1, SchedClass: -1, End: EndEvict},
		{Submit: 2 * sim.Second, ID: "solo", CPU: 0.1, Duration: 0, Priority: -1, SchedClass: -1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tasks:\n got %+v\nwant %+v", got, want)
	}
	st := r.Stats()
	wantSt := Stats{Rows: 4, Tasks: 4, Jobs: 3, First: 0, Last: 2 * sim.Second,
		Events: map[string]int64{"UNKNOWN": 2, EndFinish: 1, EndEvict: 1}}
	if !reflect.DeepEqual(st, wantSt) {
		t.Errorf("stats %+v\nwant %+v", st, wantSt)
	}
}

// TestNativeRoundTripGoogle: Google excerpt -> native (32 cores, 64 GiB
// machines, class by priority band) -> OpenNative gives the same tasks.
func TestNativeRoundTripGoogle(t *testing.T) {
	band := func(t Task) string {
		if t.Priority >= 9 {
			return "service"
		}
		return "batch"
	}
	orig := gAll(t, gOpen(t, gExcerptTasks, gExcerptJobs, Options{}))
	g, err := OpenGoogle(gExcerptTasks, gExcerptJobs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	// Without a conversion the units do not match.
	if err := WriteNative(io.Discard, g, nil); err == nil || !strings.Contains(err.Error(), "normalised") {
		t.Fatalf("nil conv on normalised units: %v", err)
	}
	path := filepath.Join(t.TempDir(), "google.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteNative(f, g, NativeConv(32, 65536, band)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	back := gAll(t, nOpen(t, []string{path}, Options{}))
	if len(back) != len(orig) {
		t.Fatalf("%d tasks back, want %d", len(back), len(orig))
	}
	for i, o := range orig {
		o.CPU *= 32
		o.Mem *= 65536
		o.Queue = band(o)
		if !reflect.DeepEqual(back[i], o) {
			t.Fatalf("task %d:\n got %+v\nwant %+v", i, back[i], o)
		}
	}

	// Native -> native with the nil conversion is the identity, byte for byte.
	data, _ := os.ReadFile(path)
	var again bytes.Buffer
	if err := WriteNative(&again, nOpen(t, []string{path}, Options{}), nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), data) {
		t.Error("native -> native changed the bytes")
	}
}

func TestNativeStrict(t *testing.T) {
	ok := `{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3}`
	cases := []struct{ line, msg string }{
		{`[1]`, "not a JSON object"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3,"extra":1}`, `unknown field "extra"`},
		{`{"Submit":5,"task":"a","cpus":1,"mem":2,"duration":3}`, `unknown field "Submit"`},
		{`{"submit":5,"submit":6,"task":"a","cpus":1,"mem":2,"duration":3}`, `field "submit" given twice`},
		{`{"task":"a","cpus":1,"mem":2,"duration":3}`, `missing field "submit"`},
		{`{"submit":5,"cpus":1,"mem":2,"duration":3}`, `missing field "task"`},
		{`{"submit":5,"task":"a","mem":2,"duration":3}`, `missing field "cpus"`},
		{`{"submit":5,"task":"a","cpus":1,"mem":2}`, `missing field "duration"`},
		{`{"submit":null,"task":"a","cpus":1,"mem":2,"duration":3}`, "submit is not a number"},
		{`{"submit":5.5,"task":"a","cpus":1,"mem":2,"duration":3}`, "submit 5.5 is not an integer"},
		{`{"submit":5e3,"task":"a","cpus":1,"mem":2,"duration":3}`, "is not an integer"},
		{`{"submit":"5","task":"a","cpus":1,"mem":2,"duration":3}`, "submit is not a number"},
		{`{"submit":05,"task":"a","cpus":1,"mem":2,"duration":3}`, "expected ',' or '}'"},
		{`{"submit":99999999999999999999,"task":"a","cpus":1,"mem":2,"duration":3}`, "out of range"},
		{`{"submit":-1,"task":"a","cpus":1,"mem":2,"duration":3}`, "submit -1 is negative"},
		{`{"submit":5,"task":"","cpus":1,"mem":2,"duration":3}`, `"task" is empty`},
		{`{"submit":5,"task":7,"cpus":1,"mem":2,"duration":3}`, "task is not a valid JSON string"},
		{`{"submit":5,"task":"a","cpus":-1,"mem":2,"duration":3}`, "cpus -1 is not a number >= 0"},
		{`{"submit":5,"task":"a","cpus":1e999,"mem":2,"duration":3}`, "cpus 1e999 is out of range"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":-2}`, "duration -2 is neither >= 0 nor -1"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3,"running":true}`, "a running task has submit 5"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3,"running":1}`, "running is not true or false"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3,"end":"DONE"}`, `end "DONE"`},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3,"sched_class":-3}`, "sched_class -3"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3,"priority":1e2}`, "not an integer"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3} x`, "data after the object"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3}{}`, "data after the object"},
		{`{"submit":5,"task":"a","cpus":1,"mem":2,"duration":3,}`, "bad or missing key"},
		{`{"submit":5 "task":"a"}`, "expected ',' or '}'"},
		{`{"submit":5,"task":"a\u00"}`, "task is not a valid JSON string"},
		{`{"submit":5,"task":"a\ud800"}`, "task is not a valid JSON string"},
		{"{\"submit\":5,\"task\":\"a\tb\"}", "task is not a valid JSON string"},
		{"{\"submit\":5,\"task\":\"\xff\"}", "task is not a valid JSON string"},
		{`{"submit":5,"task":"a"`, "expected ',' or '}'"},
		{`{"submit":3,"task":"a","cpus":1,"mem":2,"duration":3}`, "submit 3 before the previous line's 5"},
	}
	dir := t.TempDir()
	for i, c := range cases {
		p := filepath.Join(dir, fmt.Sprintf("bad%d.jsonl", i))
		if err := os.WriteFile(p, []byte(ok+"\n"+c.line+"\n"+ok+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := nOpen(t, []string{p}, Options{})
		if _, err := r.Next(); err != nil {
			t.Fatalf("%s: first line: %v", c.line, err)
		}
		_, err := r.Next()
		var re *RowError
		if !errors.As(err, &re) || re.File != p || re.Line != 2 || !strings.Contains(re.Msg, c.msg) {
			t.Errorf("%s: got %v, want %s:2: ...%s...", c.line, err, p, c.msg)
		}
		r = nOpen(t, []string{p}, Options{SkipBadRows: true})
		got := gAll(t, r)
		if st := r.Stats(); len(got) != 2 || st.Bad != 1 || st.Rows != 3 {
			t.Errorf("%s skipped: %d tasks, stats %+v", c.line, len(got), st)
		}
	}

	// Accepted spellings: escapes, whitespace, any key order, -0.
	good := []struct {
		line string
		want NativeTask
	}{
		{` { "duration" : -1 , "mem" : 0 , "cpus" : -0 , "task" : "\u0041\n\"\\\/\ud83d\ude00" , "submit" : 0 } `,
			NativeTask{ID: "A\n\"\\/\U0001F600", Duration: -1, Priority: -1, SchedClass: -1}},
		{`{"submit":7,"task":"t","cpus":1.5E+2,"mem":2e-3,"duration":0,"job":"","class":"c","running":false,"priority":-7,"user":"é","sched_class":0,"end":"LOST"}`,
			NativeTask{Submit: 7, ID: "t", CPUs: 150, Mem: 0.002, Class: "c", Priority: -7, User: "é", SchedClass: 0, End: EndLost}},
	}
	for _, g := range good {
		n, msg := parseNative([]byte(g.line), &NativeTask{})
		if msg != "" || !reflect.DeepEqual(n, g.want) {
			t.Errorf("%s: %+v %q, want %+v", g.line, n, msg, g.want)
		}
	}
}

func TestNativeFilesInOrder(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	b := filepath.Join(dir, "b.jsonl.gz")
	os.WriteFile(a, []byte(`{"submit":10,"task":"x","cpus":1,"mem":1,"duration":1}`+"\r\n"), 0o644)
	os.WriteFile(b, gzipBytes(t, `{"submit":10,"task":"y","cpus":1,"mem":1,"duration":1}`+"\n"+`{"submit":9,"task":"z","cpus":1,"mem":1,"duration":1}`), 0o644)
	r := nOpen(t, []string{a, b}, Options{})
	var ids []string
	var err error
	for {
		var tk Task
		tk, err = r.Next()
		if err != nil {
			break
		}
		ids = append(ids, tk.ID)
	}
	if fmt.Sprint(ids) != "[x y]" || err == nil || !strings.HasPrefix(err.Error(), b+":2: submit 9 before") {
		t.Errorf("ids %v err %v", ids, err)
	}
	r = nOpen(t, []string{a, b}, Options{MaxRows: 1})
	if got := gAll(t, r); len(got) != 1 {
		t.Errorf("MaxRows 1: %d tasks", len(got))
	}
	if _, err := OpenNative([]string{filepath.Join(dir, "none.jsonl")}, Options{}); err == nil {
		t.Error("a missing file opened")
	}
}

func gzipBytes(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func TestWriteNativeChecks(t *testing.T) {
	tasks := []Task{{Submit: 5, ID: "a", Duration: 1}, {Submit: 4, ID: "b", Duration: 1}}
	err := WriteNative(io.Discard, &gSliceReader{tasks: tasks, units: NativeUnits}, nil)
	if err == nil || !strings.Contains(err.Error(), "submit 4 before the previous task's 5") {
		t.Errorf("out of order: %v", err)
	}
	for _, bad := range []Task{
		{ID: "", Duration: 1},
		{ID: "a", CPU: math.NaN()},
		{ID: "a", Mem: math.Inf(1)},
		{ID: "a", Duration: -5},
		{ID: "a\xff"},
		{ID: "a", End: "OOPS"},
		{ID: "a", Submit: 3, Running: true},
	} {
		if err := WriteNative(io.Discard, &gSliceReader{tasks: []Task{bad}, units: NativeUnits}, nil); err == nil {
			t.Errorf("%+v written", bad)
		}
	}
	var b bytes.Buffer
	ctl := Task{Submit: 1, ID: "c\x01\"\\\n\t\r", Job: "<&>", Duration: Unknown, Priority: -1, SchedClass: -1}
	if err := WriteNative(&b, &gSliceReader{tasks: []Task{ctl}, units: NativeUnits}, nil); err != nil {
		t.Fatal(err)
	}
	want := `{"submit":1,"job":"<&>","task":"c\u0001\"\\\n\t\r","class":"","cpus":0,"mem":0,"duration":-1,"running":false,"priority":-1,"user":""}` + "\n"
	if b.String() != want {
		t.Errorf("wrote %s want %s", b.String(), want)
	}
	n, msg := parseNative(bytes.TrimSpace(b.Bytes()), &NativeTask{})
	if msg != "" || !reflect.DeepEqual(n.Task(), ctl) {
		t.Errorf("read back %+v %q", n.Task(), msg)
	}
}

// nativeOracle is the native line decoded by encoding/json, to check the
// hand-written parser against.
type nativeOracle struct {
	Submit     int64   `json:"submit"`
	Job        string  `json:"job"`
	Task       string  `json:"task"`
	Class      string  `json:"class"`
	CPUs       float64 `json:"cpus"`
	Mem        float64 `json:"mem"`
	Duration   int64   `json:"duration"`
	Running    bool    `json:"running"`
	Priority   *int    `json:"priority"`
	User       string  `json:"user"`
	SchedClass *int    `json:"sched_class"`
	End        string  `json:"end"`
}

// FuzzNative: the native parser never panics; a line it accepts is valid
// JSON that encoding/json decodes to the same values; accepted tasks
// written back with WriteNative read back identical.
func FuzzNative(f *testing.F) {
	sample, _ := os.ReadFile(filepath.Join("testdata", "native", "sample.jsonl"))
	f.Add(sample, false)
	f.Add([]byte(`{"submit":0,"task":"a\u00e9\ud83d\ude00","cpus":0.25,"mem":1e3,"duration":-1,"running":true}`), false)
	f.Add([]byte("{\"submit\":1,\"task\":\"x\",\"cpus\":1,\"mem\":1,\"duration\":1}\n{\"submit\":0}\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		for _, line := range bytes.Split(data, []byte("\n")) {
			n, msg := parseNative(line, &NativeTask{})
			if msg != "" {
				continue
			}
			if !json.Valid(line) {
				t.Fatalf("accepted invalid JSON %q", line)
			}
			var o nativeOracle
			if err := json.Unmarshal(line, &o); err != nil {
				t.Fatalf("accepted %q, encoding/json says %v", line, err)
			}
			prio, sc := -1, -1
			if o.Priority != nil {
				prio = *o.Priority
			}
			if o.SchedClass != nil {
				sc = *o.SchedClass
			}
			want := NativeTask{Submit: sim.Time(o.Submit), Job: o.Job, ID: o.Task, Class: o.Class, CPUs: o.CPUs,
				Mem: o.Mem, Duration: sim.Time(o.Duration), Running: o.Running, Priority: prio, User: o.User,
				SchedClass: sc, End: o.End}
			if !reflect.DeepEqual(n, want) {
				t.Fatalf("%q: parsed %+v, encoding/json %+v", line, n, want)
			}
		}

		r := newNativeReader([]partSource{partBytes("fuzz.jsonl", data)}, Options{SkipBadRows: skip})
		var got []Task
		for {
			tk, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "fuzz.jsonl") {
					t.Fatalf("error without file: %v", err)
				}
				break
			}
			got = append(got, tk)
		}
		if st := r.Stats(); st.Tasks != int64(len(got)) || (!skip && st.Bad != 0) {
			t.Fatalf("stats %+v for %d tasks", st, len(got))
		}
		var buf bytes.Buffer
		if err := WriteNative(&buf, &gSliceReader{tasks: got, units: NativeUnits}, nil); err != nil {
			t.Fatalf("WriteNative of accepted tasks: %v", err)
		}
		back := gAll(t, newNativeReader([]partSource{partBytes("again.jsonl", buf.Bytes())}, Options{}))
		if len(back) != len(got) || (len(got) > 0 && !reflect.DeepEqual(back, got)) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", back, got)
		}
	})
}

func TestNativeConvUnits(t *testing.T) {
	tk := Task{ID: "a", CPU: 50, Mem: 25}
	for _, c := range []struct {
		u         Units
		cores, mb float64
		cpu, mem  float64
		err       string
	}{
		{Units{"cores", "MB"}, 0, 0, 50, 25, ""},
		{Units{"percent-core", "percent"}, 0, 1000, 0.5, 250, ""},
		{Units{"normalised", "normalised"}, 32, 65536, 1600, 1638400, ""},
		{Units{"normalised", "MB"}, 0, 0, 0, 0, "give the largest machine's cores"},
		{Units{"cores", "percent"}, 0, 0, 0, 0, "memory requests are percent"},
		{Units{"cores", "normalised"}, 1, math.Inf(1), 0, 0, "memory requests are normalised"},
		{Units{"GHz", "MB"}, 0, 0, 0, 0, `unknown CPU unit "GHz"`},
		{Units{"cores", "GB"}, 0, 0, 0, 0, `unknown memory unit "GB"`},
	} {
		conv, err := NativeConvUnits(c.u, c.cores, c.mb, func(Task) string { return "k" })
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: %v, want %q", c.u, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%+v: %v", c.u, err)
		}
		if n := conv(tk); n.CPUs != c.cpu || n.Mem != c.mem || n.Class != "k" {
			t.Errorf("%+v: %+v, want cpus %v mem %v", c.u, n, c.cpu, c.mem)
		}
	}
}
