package traces

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestMachineMetaSmall(t *testing.T) {
	file := filepath.Join("testdata", "alibaba", "v2018_machine_meta_small.csv.gz")
	got, err := OpenMachineMeta(file)
	if err != nil {
		t.Fatal(err)
	}
	want := []Machine{
		{ID: "m_1", CPUs: 96, Mem: 100, Domain1: "219", Domain2: "17"},
		{ID: "m_10", CPUs: 96, Mem: 100, Domain1: "128", Domain2: "17"},
		{ID: "m_1021", CPUs: 96, Mem: 100, Domain1: "57", Domain2: "19"},
		{ID: "m_1263", CPUs: 96, Mem: 100, Domain1: "15", Domain2: "15"}, // later rows lose failure_domain_2
		{ID: "m_2739", CPUs: 96, Mem: 100, Domain1: "6", Domain2: "6"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	_, st, err := ReadMachineMeta(file, Options{})
	wantStats := Stats{Rows: 31, Events: map[string]int64{"USING": 26, "IMPORT_INSTALLING": 5}}
	if err != nil || !reflect.DeepEqual(st, wantStats) {
		t.Errorf("stats %+v, %v", st, err)
	}
}

// The earliest row of a machine wins, wherever it is in the file.
func TestMachineMetaEarliest(t *testing.T) {
	data := "machine_id,time_stamp,failure_domain_1,failure_domain_2,cpu_num,mem_size,status\n" +
		"m_2,50,1,a,64,50,USING\n" +
		"m_1,10,3,c,96,100,USING\n" +
		"m_2,20,2,b,32,25,USING\n" +
		"m_2,20,9,z,8,8,USING\n" + // a tie: the first row stays
		"m_1,10.5,4,d,96,100,USING\n"
	got, st, err := readMachineMeta(memRowLines("m.csv", []byte(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Machine{{ID: "m_1", CPUs: 96, Mem: 100, Domain1: "3", Domain2: "c"}, {ID: "m_2", CPUs: 32, Mem: 25, Domain1: "2", Domain2: "b"}}
	if !reflect.DeepEqual(got, want) || st.Rows != 5 {
		t.Errorf("got %+v (%+v)", got, st)
	}
	got, st, err = readMachineMeta(memRowLines("m.csv", []byte(data)), Options{MaxRows: 2})
	if err != nil || len(got) != 2 || got[1].CPUs != 64 || st.Rows != 2 {
		t.Errorf("MaxRows 2: %+v %+v %v", got, st, err)
	}
}

func TestMachineMetaMalformed(t *testing.T) {
	cases := []struct{ line, msg string }{
		{"m_2,0,1,2,96,100", "got 6 comma-separated fields, want 7"},
		{",0,1,2,96,100,USING", "empty machine_id"},
		{"m_2,,1,2,96,100,USING", "empty time_stamp"},
		{"m_2,t,1,2,96,100,USING", `time_stamp "t"`},
		{"m_2,0,1,2,-96,100,USING", `cpu_num "-96"`},
		{"m_2,0,1,2,96,,USING", `mem_size ""`},
		{"m_2,0,1,2,96,100,", "empty status"},
	}
	for _, c := range cases {
		data := "m_1,0,1,2,96,100,USING\n" + c.line + "\n"
		_, _, err := readMachineMeta(memRowLines("m.csv", []byte(data)), Options{})
		var re *RowError
		if !errors.As(err, &re) || re.File != "m.csv" || re.Line != 2 || !strings.Contains(re.Msg, c.msg) {
			t.Errorf("%q: err %v, want m.csv:2: ...%s...", c.line, err, c.msg)
			continue
		}
		got, st, err := readMachineMeta(memRowLines("m.csv", []byte(data)), Options{SkipBadRows: true})
		if err != nil || len(got) != 1 || st.Bad != 1 || st.Rows != 2 {
			t.Errorf("%q skipped: %+v %+v %v", c.line, got, st, err)
		}
	}
	if _, err := OpenMachineMeta(filepath.Join(t.TempDir(), "none.csv")); err == nil {
		t.Error("a missing file opened")
	}
}

func TestMachineMetaFullSample(t *testing.T) {
	file := aliSample(t, "alibaba", "v2018_machine_meta.csv.gz")
	ms, st, err := ReadMachineMeta(file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 17592 || len(ms) != 4034 || st.Bad != 0 {
		t.Errorf("%d rows, %d machines; want 17,592 and 4,034", st.Rows, len(ms))
	}
	if !reflect.DeepEqual(st.Events, map[string]int64{"USING": 17587, "IMPORT_INSTALLING": 5}) {
		t.Errorf("events %v", st.Events)
	}
	for i, m := range ms {
		if m.CPUs != 96 || m.Mem != 100 {
			t.Errorf("%+v: want 96 CPUs, memory 100", m)
		}
		if i > 0 && ms[i-1].ID >= m.ID {
			t.Errorf("not sorted: %s then %s", ms[i-1].ID, m.ID)
		}
	}
}

func FuzzMachineMeta(f *testing.F) {
	f.Add([]byte("m_1,0,219,17,96,100,USING\nm_1,148984,219,17,96,100,USING\nm_10,0,128,,96,100,USING\n"), false)
	f.Add([]byte("machine_id,time_stamp,failure_domain_1,failure_domain_2,cpu_num,mem_size,status\nm_2,5,1,a,64,50,USING\nm_2,x,1,a,64,50,USING\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, skip bool) {
		ms, st, err := readMachineMeta(memRowLines("f.csv", data), Options{SkipBadRows: skip})
		if err != nil {
			if skip && IsRowError(err) {
				t.Fatalf("RowError with SkipBadRows: %v", err)
			}
			return
		}
		var ev int64
		for _, n := range st.Events {
			ev += n
		}
		if ev+st.Bad != st.Rows || int64(len(ms)) > ev {
			t.Fatalf("stats %+v for %d machines", st, len(ms))
		}
		for i, m := range ms {
			if m.ID == "" || m.CPUs < 0 || m.Mem < 0 || i > 0 && ms[i-1].ID >= m.ID {
				t.Fatalf("machines %+v", ms)
			}
		}
		ms2, st2, _ := readMachineMeta(memRowLines("f.csv", data), Options{SkipBadRows: skip})
		if !reflect.DeepEqual(ms, ms2) || !reflect.DeepEqual(st, st2) {
			t.Fatal("two reads of one input differ")
		}
	})
}
