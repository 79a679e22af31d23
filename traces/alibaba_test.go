package traces

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/sim"
)

// sharedSample returns the path of a full sample under ../shared/traces
// (beside the checkout), or skips the test when it is not there.
func aliSample(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "shared", "traces"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("full sample %s not present (it lives in ../shared/traces beside the checkout): %v", p, err)
	}
	return p
}

// drain reads every task (at most limit; 0 = no limit), returning the
// tasks and the error that ended the stream (nil for io.EOF).
func aliDrain(t testing.TB, r Reader, limit int) ([]Task, error) {
	t.Helper()
	var out []Task
	for limit == 0 || len(out) < limit {
		task, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, task)
	}
	return out, nil
}

func aliGz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func memAlibaba(version int, data string, opt Options, window int) *alibabaReader {
	return newAlibabaReader(memRowLines("t.csv", []byte(data)), opt, window, version)
}

func TestAlibaba2017Small(t *testing.T) {
	r, err := OpenAlibaba2017([]string{filepath.Join("testdata", "alibaba", "v2017_batch_task_small.csv.gz")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := aliDrain(t, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.Second
	task := func(submit sim.Time, job, id string, cpu, mem float64, dur sim.Time, running bool, end string) Task {
		return Task{Submit: submit, Job: job, ID: id, Priority: -1, SchedClass: -1, CPU: cpu, Mem: mem, Duration: dur, Running: running, End: end}
	}
	want := []Task{
		task(0, "740", "740/3737/0", 50, 0.004115652, 222*s, true, "FINISH"), // created at -785 s
		task(6457*s, "3", "3/5/0", 50, 0.004395206, 76*s, false, "FINISH"),
		task(9509*s, "1117", "1117/6077/0", 0, 0, Unknown, false, ""), // Waiting, no request
		task(11792*s, "18", "18/90/0", 50, 0.004043176, 9*s, false, "FINISH"),
		task(11792*s, "18", "18/84/0", 50, 0.003965522, 4*s, false, "FINISH"),
		task(16281*s, "27", "27/144/0", 50, 0.013356457, 51*s, false, "FINISH"),
		task(16281*s, "27", "27/144/1", 50, 0.013356457, 51*s, false, "FINISH"),
		task(21669*s, "44", "44/249/0", 50, 0.004074237, 26*s, false, "FINISH"),
		task(24494*s, "1040", "1040/5775/0", 100, 0.005404706, 11354*s, false, "FAIL"),
		task(24775*s, "61", "61/439/0", 50, 0.004048352, Unknown, false, ""), // Running
		task(51997*s, "376", "376/1955/0", 100, 0.002754122, Unknown, false, ""),
		task(53176*s, "8561", "8561/55241/0", 0, 0, 0, false, "FINISH"), // modify 1 s before create
	}
	if !reflect.DeepEqual(got, want) {
		for i := range max(len(got), len(want)) {
			var g, w Task
			if i < len(got) {
				g = got[i]
			}
			if i < len(want) {
				w = want[i]
			}
			if g != w {
				t.Errorf("task %d:\n got %+v\nwant %+v", i, g, w)
			}
		}
	}
	if u := r.Units(); u != (Units{CPU: "percent-core", Mem: "normalised"}) {
		t.Errorf("units %+v", u)
	}
	st := r.Stats()
	wantStats := Stats{Rows: 12, Tasks: 12, Jobs: 10, Dropped: 1, First: 0, Last: 53176 * s,
		Events: map[string]int64{"Terminated": 8, "Waiting": 1, "Running": 2, "Failed": 1, AlibabaDropBeforeWindow: 1}}
	if !reflect.DeepEqual(st, wantStats) {
		t.Errorf("stats\n got %+v\nwant %+v", st, wantStats)
	}
	c, ok := AlibabaCountsOf(r)
	wantCounts := AlibabaCounts{Headers: 1, OutOfOrder: 5, BeforeWindow: 1, EndedBefore: 1, EndBeforeStart: 1, NoRequest: 2}
	if !ok || c != wantCounts {
		t.Errorf("counts %+v, want %+v", c, wantCounts)
	}
}

// With a window of one row every row earlier than the last yielded one
// is late: yielded at the watermark, counted, never dropped.
func TestAlibaba2017LateRows(t *testing.T) {
	file := filepath.Join("testdata", "alibaba", "v2017_batch_task_small.csv.gz")
	r, err := OpenAlibaba2017Window([]string{file}, Options{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := aliDrain(t, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	var prev sim.Time
	for _, task := range got {
		if task.Submit < prev {
			t.Errorf("%s submitted at %v after %v", task.ID, task.Submit, prev)
		}
		prev = task.Submit
		ids = append(ids, task.ID)
	}
	// File order, the dropped row aside; the late ones moved to the watermark.
	wantIDs := "3/5/0 18/90/0 18/84/0 27/144/0 27/144/1 1117/6077/0 376/1955/0 740/3737/0 8561/55241/0 1040/5775/0 61/439/0 44/249/0"
	if s := strings.Join(ids, " "); s != wantIDs {
		t.Errorf("order\n got %s\nwant %s", s, wantIDs)
	}
	late := map[string]sim.Time{"1117/6077/0": 16281 * sim.Second, "740/3737/0": 51997 * sim.Second,
		"1040/5775/0": 53176 * sim.Second, "61/439/0": 53176 * sim.Second, "44/249/0": 53176 * sim.Second}
	for _, task := range got {
		if at, ok := late[task.ID]; ok && task.Submit != at {
			t.Errorf("late %s at %v, want the watermark %v", task.ID, task.Submit, at)
		}
	}
	if st := r.Stats(); st.Reordered != 5 || st.Tasks != 12 || st.Dropped != 1 {
		t.Errorf("stats %+v: want Reordered 5, Tasks 12, Dropped 1", st)
	}
	if c, _ := AlibabaCountsOf(r); c.Late != 5 {
		t.Errorf("counts %+v: want Late 5", c)
	}
}

func TestAlibaba2017Excerpt(t *testing.T) {
	file := filepath.Join("testdata", "alibaba", "v2017_batch_task_excerpt.csv.gz")
	for _, window := range []int{DefaultReorderWindow, 50} {
		r, err := OpenAlibaba2017Window([]string{file}, Options{}, window)
		if err != nil {
			t.Fatal(err)
		}
		n, jobs := int64(0), map[string]bool{}
		var prev sim.Time
		for {
			task, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if task.Submit < prev {
				t.Fatalf("window %d: %s at %v after %v", window, task.ID, task.Submit, prev)
			}
			prev = task.Submit
			jobs[task.Job] = true
			n++
		}
		st := r.Stats()
		// Expected values counted from the file with awk.
		if st.Rows != 510 || st.Tasks != 203096 || n != st.Tasks || st.Jobs != 80 || int(st.Jobs) != len(jobs) || st.Dropped != 8 || st.Bad != 0 {
			t.Errorf("window %d: stats %+v (yielded %d, %d jobs)", window, st, n, len(jobs))
		}
		wantEv := map[string]int64{"Terminated": 462, "Waiting": 4, "Failed": 6, "Running": 38, AlibabaDropBeforeWindow: 8}
		if !reflect.DeepEqual(st.Events, wantEv) {
			t.Errorf("events %v, want %v", st.Events, wantEv)
		}
		if window == DefaultReorderWindow && st.Reordered != 0 {
			t.Errorf("the whole excerpt fits the window, yet %d late rows", st.Reordered)
		}
		if window == 50 && st.Reordered == 0 {
			t.Errorf("a 50-row window over unsorted rows saw no late row")
		}
		r.Close()
	}
}

func TestAlibaba2017MaxRows(t *testing.T) {
	file := filepath.Join("testdata", "alibaba", "v2017_batch_task_small.csv.gz")
	r, err := OpenAlibaba2017([]string{file}, Options{MaxRows: 4})
	if err != nil {
		t.Fatal(err)
	}
	got, err := aliDrain(t, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.Rows != 4 || len(got) != 5 {
		t.Errorf("MaxRows 4: %d rows, %d tasks; want 4 rows (the header is not one), 5 tasks", st.Rows, len(got))
	}
}

// Several files, plain and gzip, read in order as one stream, each with
// its own header; line numbers count per file.
func TestAlibaba2017Files(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	b := filepath.Join(dir, "b.csv.gz")
	os.WriteFile(a, []byte("create,modify,job,task,n,status,cpu,mem\r\n10,20,1,1,1,Terminated,50,0.1\r\n\r\n"), 0o644)
	os.WriteFile(b, aliGz(t, "c,m,j,t,n,s,c,m\n5,6,2,1,1,Terminated,50,0.1\n7,x,2,2,1,Terminated,50,0.1"), 0o644)
	r, err := OpenAlibaba2017([]string{a, b}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = aliDrain(t, r, 0)
	var re *RowError
	if !errors.As(err, &re) || re.File != b || re.Line != 3 || !strings.Contains(re.Msg, "modify_timestamp") {
		t.Fatalf("err %v, want %s:3 modify_timestamp", err, b)
	}
	if _, err2 := r.Next(); err2 != err {
		t.Errorf("errors are sticky: then %v", err2)
	}
	r.Close()

	r, _ = OpenAlibaba2017([]string{a, b}, Options{SkipBadRows: true})
	got, err := aliDrain(t, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "2/1/0" || got[1].ID != "1/1/0" {
		t.Errorf("got %+v", got)
	}
	if st := r.Stats(); st.Rows != 3 || st.Bad != 1 {
		t.Errorf("stats %+v", st)
	}
	if c, _ := AlibabaCountsOf(r); c.Headers != 2 {
		t.Errorf("headers %d, want 2", c.Headers)
	}
	r.Close()

	if _, err := OpenAlibaba2017([]string{filepath.Join(dir, "missing.csv")}, Options{}); err == nil {
		t.Error("a missing file opened")
	}
	if _, err := OpenAlibaba2017(nil, Options{}); err == nil {
		t.Error("no files opened")
	}
}

func TestAlibabaMalformed(t *testing.T) {
	cases := []struct {
		version int
		line    string
		msg     string
	}{
		{2017, "1,2,3,4,1,Terminated,50", "got 7 comma-separated fields, want 8"},
		{2017, "1,2,3,4,1,Terminated,50,0.1,9", "got 9 comma-separated fields, want 8"},
		{2017, "x,2,3,4,1,Terminated,50,0.1", `create_timestamp "x"`},
		{2017, ",2,3,4,1,Terminated,50,0.1", "empty create_timestamp"},
		{2017, "1,2,,4,1,Terminated,50,0.1", "empty job_id"},
		{2017, "1,2,3,,1,Terminated,50,0.1", "empty task_id"},
		{2017, "1,2,3,4,0,Terminated,50,0.1", `instance_num "0"`},
		{2017, "1,2,3,4,2.5,Terminated,50,0.1", `instance_num "2.5"`},
		{2017, "1,2,3,4,100001,Terminated,50,0.1", "instance_num 100001 exceeds the limit of 100000"},
		{2017, "1,2,3,4,1,Done,50,0.1", `status "Done"`},
		{2017, "1,2,3,4,1,Terminated,-5,0.1", `plan_cpu "-5"`},
		{2017, "1,2,3,4,1,Terminated,50,NaN", `plan_mem "NaN"`},
		{2017, "1e13,2,3,4,1,Terminated,50,0.1", `create_timestamp "1e13" out of range`},
		{2018, "M1,1,j_1,1,Terminated,1,2,100", "got 8 comma-separated fields, want 9"},
		{2018, ",1,j_1,1,Terminated,1,2,100,1", "empty task_name"},
		{2018, "M1,1,,1,Terminated,1,2,100,1", "empty job_name"},
		{2018, "M1,1,j_1,x,Terminated,1,2,100,1", `task_type "x"`},
		{2018, "M1,-1,j_1,1,Terminated,1,2,100,1", `instance_num "-1"`},
		{2018, "M1,1,j_1,1,Terminated,1,Inf,100,1", `end_time "Inf"`},
	}
	for _, c := range cases {
		data := "5,6,7,8,1,Terminated,50,0.1\n" + c.line + "\n"
		if c.version == 2018 {
			data = "M1,1,j_0,1,Terminated,5,6,50,1\n" + c.line + "\n"
		}
		r := memAlibaba(c.version, data, Options{}, 10)
		_, err := aliDrain(t, r, 0)
		var re *RowError
		if !errors.As(err, &re) || re.File != "t.csv" || re.Line != 2 || !strings.Contains(re.Msg, c.msg) {
			t.Errorf("v%d %q: err %v, want t.csv:2: ...%s...", c.version, c.line, err, c.msg)
			continue
		}
		r = memAlibaba(c.version, data, Options{SkipBadRows: true}, 10)
		got, err := aliDrain(t, r, 0)
		if st := r.Stats(); err != nil || len(got) != 1 || st.Bad != 1 || st.Rows != 2 {
			t.Errorf("v%d %q skipped: %d tasks, err %v, stats %+v", c.version, c.line, len(got), err, st)
		}
	}
	// A header is recognised on line 1 only: later it is a malformed row.
	r := memAlibaba(2017, "5,6,7,8,1,Terminated,50,0.1\ncreate,modify,job,task,n,status,cpu,mem\n", Options{}, 10)
	if _, err := aliDrain(t, r, 0); !IsRowError(err) {
		t.Errorf("header on line 2: %v", err)
	}
	// Line 1 with a bad number but numeric other columns is no header.
	r = memAlibaba(2017, "x,6,7,8,1,Terminated,50,0.1\n", Options{}, 10)
	if _, err := aliDrain(t, r, 0); !IsRowError(err) {
		t.Errorf("bad line 1 taken for a header: %v", err)
	}
	// A line over the limit.
	r = memAlibaba(2017, "5,6,7,8,1,Terminated,50,0.1\n"+strings.Repeat("9", rowMaxLine+10)+"\n5,6,7,9,1,Terminated,50,0.1\n", Options{SkipBadRows: true}, 10)
	if got, err := aliDrain(t, r, 0); err != nil || len(got) != 2 || r.Stats().Bad != 1 {
		t.Errorf("long line skipped: %d tasks, err %v, stats %+v", len(got), err, r.Stats())
	}
	r = memAlibaba(2017, strings.Repeat("9", rowMaxLine+10), Options{}, 10)
	if _, err := aliDrain(t, r, 0); !IsRowError(err) || !strings.Contains(err.Error(), "t.csv:1: line longer") {
		t.Errorf("long line: %v", err)
	}
	// A corrupt gzip stream is an I/O error naming the file.
	bad := aliGz(t, strings.Repeat("5,6,7,8,1,Terminated,50,0.1\n", 1000))
	bad = bad[:len(bad)/2]
	r = newAlibabaReader(memRowLines("c.gz", bad), Options{SkipBadRows: true}, 10, 2017)
	if _, err := aliDrain(t, r, 0); err == nil || IsRowError(err) || !strings.Contains(err.Error(), "c.gz") {
		t.Errorf("truncated gzip: %v", err)
	}
}

func TestAlibaba2018Synthetic(t *testing.T) {
	r, err := OpenAlibaba2018([]string{filepath.Join("testdata", "alibaba", "v2018_batch_task_synthetic.csv.gz")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := aliDrain(t, r, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.Second
	task := func(submit sim.Time, job, id string, class int, cpu, mem float64, dur sim.Time, running bool, end string) Task {
		return Task{Submit: submit, Job: job, ID: id, Priority: -1, SchedClass: class, CPU: cpu, Mem: mem, Duration: dur, Running: running, End: end}
	}
	tn := "task_LTg0MTUwNTA5Mjg4MDkwNjIzMA=="
	want := []Task{
		task(0, "j_3", "j_3/J3_1_2/0", 2, 100, 0.3, 50*s, true, "FINISH"), // start 0: before the window
		task(0, "j_4", "j_4/Merge/0", 3, 0, 0, Unknown, false, ""),        // Waiting: not running
		task(80*s, "j_5", "j_5/M1/0", 1, 100, 0.2, 0, false, "FINISH"),    // end before start
		task(90*s, "j_2", "j_2/"+tn+"/0", 12, 200, 1.5, 5*s, false, "FAIL"),
		task(90*s, "j_2", "j_2/"+tn+"/1", 12, 200, 1.5, 5*s, false, "FAIL"),
		task(90*s, "j_2", "j_2/"+tn+"/2", 12, 200, 1.5, 5*s, false, "FAIL"),
		task(100*s, "j_1", "j_1/M1/0", 1, 100, 0.39, 60*s, false, "FINISH"),
		task(100*s, "j_1", "j_1/M1/1", 1, 100, 0.39, 60*s, false, "FINISH"),
		task(165*s, "j_1", "j_1/R2_1/0", 1, 50, 0.2, 35*s, false, "FINISH"),
		task(210*s, "j_1", "j_1/M5_3_4/0", 1, 100, 0.5, Unknown, false, ""), // end 0: after the window
	}
	if !reflect.DeepEqual(got, want) {
		for i := range max(len(got), len(want)) {
			if i >= len(got) || i >= len(want) || got[i] != want[i] {
				t.Errorf("task %d:\n got %+v\nwant %+v", i, aliAt(got, i), aliAt(want, i))
			}
		}
	}
	if u := r.Units(); u != (Units{CPU: "percent-core", Mem: "percent"}) {
		t.Errorf("units %+v", u)
	}
	st := r.Stats()
	wantStats := Stats{Rows: 7, Tasks: 10, Jobs: 5, First: 0, Last: 210 * s,
		Events: map[string]int64{"Terminated": 4, "Failed": 1, "Running": 1, "Waiting": 1}}
	if !reflect.DeepEqual(st, wantStats) {
		t.Errorf("stats\n got %+v\nwant %+v", st, wantStats)
	}
	c, _ := AlibabaCountsOf(r)
	wantCounts := AlibabaCounts{OutOfOrder: 4, BeforeWindow: 2, EndBeforeStart: 1, NoRequest: 1, OddNames: 1}
	if c != wantCounts {
		t.Errorf("counts %+v, want %+v", c, wantCounts)
	}
}

func aliAt(ts []Task, i int) Task {
	if i < len(ts) {
		return ts[i]
	}
	return Task{}
}

func TestAlibaba2018Header(t *testing.T) {
	data := "task_name,instance_num,job_name,task_type,status,start_time,end_time,plan_cpu,plan_mem\nM1,1,j_1,1,Terminated,1,2,100,1\n"
	r := memAlibaba(2018, data, Options{}, 10)
	got, err := aliDrain(t, r, 0)
	if err != nil || len(got) != 1 || r.Stats().Rows != 1 || r.counts.Headers != 1 {
		t.Errorf("%d tasks, err %v, stats %+v", len(got), err, r.Stats())
	}
}

func TestAlibabaDAGNames(t *testing.T) {
	for name, want := range map[string]bool{
		"M1": true, "R2_1": true, "M5_3_4": true, "J10_9_8_7": true, "task_abc==": true, "MergeTask1": true,
		"task_": false, "Merge": false, "M": false, "1": false, "M1_": false, "M1__2": false, "M1_x": false, "M-1": false, "": false,
	} {
		if got := aliDAGName(name); got != want {
			t.Errorf("aliDAGName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestAlibaba2017FullSample(t *testing.T) {
	file := aliSample(t, "alibaba", "v2017_batch_task.csv.gz")
	if testing.Short() {
		t.Skip("reads 11.8 million tasks; skipped with -short")
	}
	for _, window := range []int{DefaultReorderWindow, 1000} {
		r, err := OpenAlibaba2017Window([]string{file}, Options{}, window)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		var prev sim.Time
		for {
			task, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if task.Submit < prev {
				t.Fatalf("%s at %v after %v", task.ID, task.Submit, prev)
			}
			prev = task.Submit
			n++
		}
		st := r.Stats()
		c, _ := AlibabaCountsOf(r)
		t.Logf("window %d: %+v %+v", window, st, c)
		// Counted from the file with awk: 80,553 data rows; 117 rows ended
		// before the window; the rest ask for 11,840,766 instances of 12,950 jobs.
		if st.Rows != 80553 || st.Tasks != 11840766 || n != st.Tasks || st.Jobs != 12950 || st.Dropped != 117 || st.Bad != 0 {
			t.Errorf("window %d: stats %+v", window, st)
		}
		wantEv := map[string]int64{"Terminated": 67013, "Waiting": 8847, "Failed": 1126, "Running": 3567, AlibabaDropBeforeWindow: 117}
		if !reflect.DeepEqual(st.Events, wantEv) {
			t.Errorf("events %v, want %v", st.Events, wantEv)
		}
		if c.Headers != 1 || c.BeforeWindow != 50 || c.EndedBefore != 117 || c.Late != st.Reordered {
			t.Errorf("counts %+v", c)
		}
		if window == DefaultReorderWindow && st.Reordered != 0 {
			t.Errorf("the sample fits the default window, yet %d late rows", st.Reordered)
		}
		if window == 1000 && st.Reordered == 0 {
			t.Error("a 1000-row window saw no late row")
		}
		if window == DefaultReorderWindow && st.First != 0 || st.Last != 60181*sim.Second {
			t.Errorf("first %v last %v", st.First, st.Last)
		}
		r.Close()
	}
}

// aliFuzz reads data as one Alibaba batch_task file and checks what every
// reader promises: no panic, a RowError only without SkipBadRows, submit
// times never decreasing, sane values, Stats that add up, determinism.
func aliFuzz(t *testing.T, version int, data []byte, window uint16, skip bool) {
	const limit = 20000 // tasks read per input: instance_num may be 100,000
	read := func() ([]Task, Stats, error) {
		r := newAlibabaReader(memRowLines("f.csv", data), Options{SkipBadRows: skip}, int(window%200), version)
		defer r.Close()
		got, err := aliDrain(t, r, limit)
		return got, r.Stats(), err
	}
	got, st, err := read()
	if err != nil && skip && IsRowError(err) {
		t.Fatalf("RowError with SkipBadRows: %v", err)
	}
	if err != nil && IsRowError(err) && !strings.HasPrefix(err.Error(), "f.csv:") {
		t.Fatalf("RowError without the file: %v", err)
	}
	var prev sim.Time
	ids := map[string]bool{}
	for _, task := range got {
		if task.Submit < prev || task.Submit < 0 {
			t.Fatalf("%+v after %v", task, prev)
		}
		prev = task.Submit
		if task.Duration < 0 && task.Duration != Unknown || task.CPU < 0 || task.Mem < 0 || task.ID == "" || task.Job == "" {
			t.Fatalf("task %+v", task)
		}
		if task.Duration == Unknown && task.End != "" {
			t.Fatalf("an end without a duration: %+v", task)
		}
		if ids[task.ID] && version == 2018 {
			// v2017 IDs are unique when job/task pairs are; fuzz input need not be.
			continue
		}
		ids[task.ID] = true
	}
	if len(got) < limit && err == nil && st.Tasks != int64(len(got)) {
		t.Fatalf("Stats.Tasks %d, yielded %d", st.Tasks, len(got))
	}
	var ev, drops int64
	for k, n := range st.Events {
		if strings.HasPrefix(k, "drop:") {
			drops += n
		} else {
			ev += n
		}
	}
	if ev+st.Bad > st.Rows || st.Dropped != drops || st.Dropped > ev || st.Jobs > st.Tasks {
		t.Fatalf("stats do not add up: %+v", st)
	}
	got2, st2, err2 := read()
	if !reflect.DeepEqual(got, got2) || !reflect.DeepEqual(st, st2) || (err == nil) != (err2 == nil) {
		t.Fatal("two reads of one input differ")
	}
}

func FuzzAlibaba2017(f *testing.F) {
	f.Add([]byte("create,modify,job,task,n,status,cpu,mem\n5,9,1,2,3,Terminated,50,0.1\n-4,-1,1,3,1,Failed,,\n2,0,2,1,1,Running,100,0.2\n"), uint16(2), false)
	f.Add([]byte("1,2,3,4,100001,Terminated,50,0.1\n"), uint16(0), true)
	f.Fuzz(func(t *testing.T, data []byte, window uint16, skip bool) {
		aliFuzz(t, 2017, data, window, skip)
	})
}

func FuzzAlibaba2018(f *testing.F) {
	f.Add([]byte("M1,2,j_1,1,Terminated,100,160,100,0.39\nR2_1,1,j_1,1,Terminated,0,200,50,0.2\nMerge,1,j_4,,Waiting,0,0,,\n"), uint16(1), false)
	f.Add([]byte("task_x,1,j_2,12,Failed,90,95,200,1.5\nM1,1,j_5,1,Terminated,80,70,100,0.2"), uint16(5), true)
	f.Fuzz(func(t *testing.T, data []byte, window uint16, skip bool) {
		aliFuzz(t, 2018, data, window, skip)
	})
}
