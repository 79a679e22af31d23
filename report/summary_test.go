package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

func sec(s float64) sim.Time { return sim.FromSeconds(s) }

func feed(s *Summary, recs []model.Record) {
	for i := range recs {
		s.Observe(&recs[i])
	}
}

// twoFrameworks is the hand-computed history of TestSummaryByHand: two
// agents of cpus:4;mem:4096 (cluster 8 cpus, 8192 MB) and f1 (role r1) and
// f2 (role r2), run for 10s.
//
//	f1: [1,3) cpus 4 mem 4096 (offer o1, then accepted using cpus 2 mem 1024)
//	    [3,7) cpus 2 mem 1024 (task t1, finished at 7)
//	    [8,9) cpus 4 mem 4096 (offer o5, rescinded at 9)
//	f2: [1,2) cpus 4 mem 4096 (offer o2, declined at 2)
//	    [4,5) cpus 2 mem 3072 (offer o3, accepted at 5 using cpus 1 mem 1024)
//	    [5,10) cpus 1 mem 1024 (task t2, still running)
func twoFrameworks() []model.Record {
	return []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:4;mem:4096")},
		{T: 0, Kind: model.KindAgentAdded, Agent: "a2", Resources: res("cpus:4;mem:4096")},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "f2", Role: "r2"},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "f1", Role: "r1"},
		{T: sec(0.5), Kind: model.KindTaskSubmitted, Task: "t1", Framework: "f1", Resources: res("cpus:2;mem:1024")},
		{T: sec(1), Kind: model.KindAllocation, Cycle: 1, Agents: 2},
		{T: sec(1), Kind: model.KindOffer, Offer: "o1", Framework: "f1", Role: "r1", Agent: "a1", Resources: res("cpus:4;mem:4096")},
		{T: sec(1), Kind: model.KindOffer, Offer: "o2", Framework: "f2", Role: "r2", Agent: "a2", Resources: res("cpus:4;mem:4096")},
		{T: sec(2), Kind: model.KindOfferDeclined, Offer: "o2", Framework: "f2", Agent: "a2", RefuseSeconds: 5, Resources: res("cpus:4;mem:4096")},
		{T: sec(3), Kind: model.KindOfferAccepted, Offer: "o1", Framework: "f1", Agent: "a1", Tasks: 1, Resources: res("cpus:2;mem:1024")},
		{T: sec(3), Kind: model.KindTaskLaunched, Task: "t1", Framework: "f1", Agent: "a1", Resources: res("cpus:2;mem:1024"), Submitted: sec(0.5)},
		{T: sec(4), Kind: model.KindAllocation, Cycle: 2, Agents: 1},
		{T: sec(4), Kind: model.KindOffer, Offer: "o3", Framework: "f2", Role: "r2", Agent: "a1", Resources: res("cpus:2;mem:3072")},
		{T: sec(5), Kind: model.KindTaskLaunched, Task: "t2", Framework: "f2", Agent: "a1", Resources: res("cpus:1;mem:1024"), Submitted: sec(4)},
		{T: sec(5), Kind: model.KindOfferAccepted, Offer: "o3", Framework: "f2", Agent: "a1", Tasks: 1, Resources: res("cpus:1;mem:1024")},
		{T: sec(6), Kind: model.KindTaskStatus, Task: "t1", Framework: "f1", Agent: "a1", State: "TASK_RUNNING", SeenBy: "master"},
		{T: sec(6.5), Kind: model.KindTaskStatus, Task: "t1", Framework: "f1", Agent: "a1", State: "TASK_FINISHED", SeenBy: "agent"},
		{T: sec(7), Kind: model.KindTaskStatus, Task: "t1", Framework: "f1", Agent: "a1", State: "TASK_FINISHED", SeenBy: "master"},
		{T: sec(7.5), Kind: model.KindTaskStatus, Task: "t1", Framework: "f1", Agent: "a1", State: "TASK_FINISHED", SeenBy: "master"}, // duplicate
		{T: sec(7.5), Kind: model.KindTaskStatus, Task: "t2", Framework: "f1", Agent: "a1", State: "TASK_FAILED", SeenBy: "master"},   // f1 has no t2
		{T: sec(8), Kind: model.KindOffer, Offer: "o5", Framework: "f1", Role: "r1", Agent: "a2", Resources: res("cpus:4;mem:4096")},
		{T: sec(9), Kind: model.KindOfferRescinded, Offer: "o5", Framework: "f1", Agent: "a2", Reason: "offer_timeout", Resources: res("cpus:4;mem:4096")},
		{T: sec(9), Kind: model.KindOfferRescinded, Offer: "o5", Framework: "f1", Agent: "a2"}, // a second rescind returns nothing
	}
}

// Locked (in outstanding offers): f1 cpus 4×2s + 4×1s = 12 of 80 cpu-s,
// mem 4096×3s of 81920 MB-s; f2 cpus 4×1s + 2×1s = 6, mem 4096 + 3072.
// Demand: f1 from 0 (framework_added) until t1 launches at 3 (it submits
// at 0.5); f2 never submits, so always. Starvation: f1 [1,3) = 2s (offer
// o1 at 1; o5 at 8 comes with no demand); f2 [4,10) = 6s, open at the end.
// Jain: [0,1) both roles hold nothing, J=1; [1,2) 0.5 and 0.5, J=1; [2,3)
// 0.5 and 0, J=0.5; [3,10) only r2 has demand, J=1: mean 9.5/10.
func twoFrameworksWant() *Result {
	f1 := Row{Name: "f1", Role: "r1",
		MeanDominantShare: 0.25, FinalDominantShare: 0,
		MeanCPUs: 2, MeanMem: 1638.4, CPUUtil: 0.25, MemUtil: 0.2,
		LockedCPUs: 0.15, LockedMem: 0.15,
		Offers: 2, Rescinded: 2, TasksLaunched: 1, TasksFinished: 1,
		Waits:      Waits{WaitMean: 2.5, WaitP50: 2.5, WaitP95: 2.5, WaitP99: 2.5, WaitCount: 1},
		Starvation: 2}
	f2 := Row{Name: "f2", Role: "r2",
		MeanDominantShare: 0.15, FinalDominantShare: 0.125,
		MeanCPUs: 1.1, MeanMem: 1228.8, CPUUtil: 0.1375, MemUtil: 0.15,
		LockedCPUs: 0.075, LockedMem: 0.0875,
		Offers: 2, Declined: 1, TasksLaunched: 1,
		Waits:      Waits{WaitMean: 1, WaitP50: 1, WaitP95: 1, WaitP99: 1, WaitCount: 1},
		Starvation: 6}
	r1, r2 := f1, f2
	r1.Name, r2.Name = "r1", "r2"
	return &Result{
		Duration:   sec(10),
		Roles:      []Row{r1, r2},
		Frameworks: []Row{f1, f2},
		Cluster: ClusterRow{Agents: 2, CPUs: 8, Mem: 8192,
			CPUUtil: 0.3875, MemUtil: 0.35, LockedCPUs: 0.225, LockedMem: 0.2375,
			Resources: []ResourceRow{
				{Name: "cpus", Total: 8, Util: 0.3875, Locked: 0.225},
				{Name: "mem", Total: 8192, Util: 0.35, Locked: 0.2375},
			},
			Jain: 0.95, DemandSeconds: 10,
			Offers: 4, Declined: 1, Rescinded: 2, TasksLaunched: 2, TasksFinished: 1, Cycles: 2,
			Waits:         Waits{WaitMean: 1.75, WaitP50: 1, WaitP95: 2.5, WaitP99: 2.5, WaitCount: 2},
			StarvationMax: 6},
	}
}

func TestSummaryByHand(t *testing.T) {
	s := NewSummary(SummaryConfig{})
	feed(s, twoFrameworks())
	got := s.Finish(sec(10))
	want := twoFrameworksWant()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

// An end before the last record is taken as the last record's time.
func TestSummaryFinishClampsEnd(t *testing.T) {
	s := NewSummary(SummaryConfig{})
	feed(s, twoFrameworks())
	if got := s.Finish(sec(1)).Duration; got != sec(9) {
		t.Errorf("Duration = %v, want 9s", got)
	}
}

// Removing agents changes the total mid-run and returns what was on them;
// removing a framework returns what it held; records about resources
// already returned change nothing.
func TestSummaryRemovals(t *testing.T) {
	recs := []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:2;mem:2048")},
		{T: 0, Kind: model.KindAgentAdded, Agent: "a2", Resources: res("cpus:2;mem:2048")},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "f1", Role: "r1"},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "f2", Role: "r2"},
		{T: 0, Kind: model.KindOffer, Offer: "o1", Framework: "f1", Role: "r1", Agent: "a1", Resources: res("cpus:2;mem:2048")},
		{T: sec(1), Kind: model.KindOffer, Offer: "o2", Framework: "f2", Role: "r2", Agent: "a2", Resources: res("cpus:2;mem:2048")},
		{T: sec(1), Kind: model.KindOfferAccepted, Offer: "o2", Framework: "f2", Agent: "a2", Tasks: 1, Resources: res("cpus:1;mem:1024")},
		{T: sec(1), Kind: model.KindTaskLaunched, Task: "t1", Framework: "f2", Agent: "a2", Resources: res("cpus:1;mem:1024"), Submitted: -1},
		{T: sec(1.5), Kind: model.KindFrameworkRemoved, Framework: "f2"},
		{T: sec(1.6), Kind: model.KindTaskStatus, Task: "t1", Framework: "f2", Agent: "a2", State: "TASK_KILLED", SeenBy: "master"},
		{T: sec(2), Kind: model.KindAgentRemoved, Agent: "a2"}, // no resources: what it brought
		{T: sec(4), Kind: model.KindAgentRemoved, Agent: "a1", Resources: res("cpus:2;mem:2048")},
		{T: sec(4), Kind: model.KindOfferRescinded, Offer: "o1", Framework: "f1", Agent: "a1"},
	}
	s := NewSummary(SummaryConfig{})
	feed(s, recs)
	got := s.Finish(sec(5))

	// f1 holds 2 of 4 cpus over [0,2), 2 of 2 over [2,4).
	f1 := got.Frameworks[0]
	if f1.Name != "f1" || f1.MeanDominantShare != 0.6 || f1.FinalDominantShare != 0 ||
		f1.MeanCPUs != 1.6 || f1.CPUUtil != 8.0/12 || f1.Rescinded != 1 {
		t.Errorf("f1 = %+v", f1)
	}
	// f2 holds cpus 1 of 4 and mem 1024 of 4096 over [1,1.5).
	f2 := got.Frameworks[1]
	if f2.Name != "f2" || f2.MeanDominantShare != 0.025 || f2.MeanCPUs != 0.1 ||
		f2.CPUUtil != 0.5/12 || f2.TasksLaunched != 1 || f2.TasksFinished != 0 || f2.WaitCount != 0 {
		t.Errorf("f2 = %+v", f2)
	}
	c := got.Cluster
	if c.Agents != 0 || c.CPUs != 0 || c.Mem != 0 || c.CPUUtil != 8.5/12 {
		t.Errorf("cluster = %+v", c)
	}
}

// A framework first seen in an offer takes the offer's role; one first seen
// in a task record takes "*" until framework_added moves it.
func TestSummaryImplicitFrameworks(t *testing.T) {
	s := NewSummary(SummaryConfig{})
	feed(s, []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:4")},
		{T: 0, Kind: model.KindOffer, Offer: "o1", Framework: "f1", Role: "r1", Agent: "a1", Resources: res("cpus:1")},
		{T: 0, Kind: model.KindTaskLaunched, Task: "t", Framework: "f2", Agent: "a1", Resources: res("cpus:1"), Submitted: -1},
		{T: sec(1), Kind: model.KindFrameworkAdded, Framework: "f2", Role: "r2"},
	})
	got := s.Finish(sec(2))
	var names []string
	for _, r := range got.Roles {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "r1,r2" {
		t.Errorf("roles = %v, want r1,r2", names)
	}
	if got.Frameworks[1].Role != "r2" {
		t.Errorf("f2 role = %q", got.Frameworks[1].Role)
	}
}

func TestDominantShare(t *testing.T) {
	cases := []struct {
		name     string
		total    string // one agent's resources; "" for no agent
		alloc    string // one offer's resources; "" for no offer
		excluded []string
		want     float64
	}{
		{"mem dominates", "cpus:10;mem:100", "cpus:1;mem:50", nil, 0.5},
		{"cpus dominates", "cpus:10;mem:100", "cpus:3;mem:20", nil, 0.3},
		{"gpus counted", "cpus:10;gpus:4", "cpus:1;gpus:4", nil, 1},
		{"gpus excluded", "cpus:10;gpus:4", "cpus:1;gpus:4", []string{"gpus"}, 0.1},
		{"only excluded held", "cpus:10;gpus:4", "gpus:2", []string{"gpus"}, 0},
		{"zero total skipped", "cpus:10", "cpus:1;disk:100", nil, 0.1},
		{"reservations summed by name", "cpus:8;cpus(r1):2", "cpus:3;cpus(r1):2", nil, 0.5},
		{"ranges ignored", "cpus:4;ports:[1-10]", "cpus:1;ports:[1-10]", nil, 0.25},
		{"nothing allocated", "cpus:4", "", nil, 0},
		{"no agents", "", "cpus:1", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewSummary(SummaryConfig{FairSharingExcluded: c.excluded})
			s.Observe(&model.Record{Kind: model.KindFrameworkAdded, Framework: "f", Role: "r"})
			if c.total != "" {
				s.Observe(&model.Record{Kind: model.KindAgentAdded, Agent: "a", Resources: res(c.total)})
			}
			if c.alloc != "" {
				s.Observe(&model.Record{Kind: model.KindOffer, Offer: "o", Framework: "f", Agent: "a", Resources: res(c.alloc)})
			}
			got := s.Finish(0)
			for _, row := range []Row{got.Frameworks[0], got.Roles[0]} {
				if row.FinalDominantShare != c.want || row.MeanDominantShare != c.want {
					t.Errorf("%s: final %v mean %v, want %v", row.Name, row.FinalDominantShare, row.MeanDominantShare, c.want)
				}
			}
		})
	}
}

// Over a zero duration means are final values; nothing is NaN.
func TestSummaryZeroDuration(t *testing.T) {
	s := NewSummary(SummaryConfig{})
	got := s.Finish(0)
	if got.Roles == nil || got.Frameworks == nil || !reflect.DeepEqual(got.Cluster, ClusterRow{Resources: []ResourceRow{}}) {
		t.Errorf("empty result = %+v", got)
	}
	s = NewSummary(SummaryConfig{})
	feed(s, []model.Record{
		{Kind: model.KindAgentAdded, Agent: "a", Resources: res("cpus:4;mem:100")},
		{Kind: model.KindOffer, Offer: "o", Framework: "f", Role: "r", Agent: "a", Resources: res("cpus:1;mem:100")},
	})
	f := s.Finish(0).Frameworks[0]
	if f.MeanCPUs != 1 || f.MeanMem != 100 || f.CPUUtil != 0.25 || f.MemUtil != 1 || f.MeanDominantShare != 1 {
		t.Errorf("f = %+v", f)
	}
	for _, x := range []float64{f.WaitMean, f.WaitP99} {
		if math.IsNaN(x) || x != 0 {
			t.Errorf("wait = %v, want 0", x)
		}
	}
}

func TestWaitQuantiles(t *testing.T) {
	s := NewSummary(SummaryConfig{})
	// 200 tasks waiting 1..200 seconds, launched in reverse order.
	for i := 200; i >= 1; i-- {
		s.Observe(&model.Record{T: sec(1000), Kind: model.KindTaskLaunched, Task: strconv.Itoa(i),
			Framework: "f", Agent: "a", Submitted: sec(1000 - float64(i))})
	}
	f := s.Finish(sec(1000)).Frameworks[0]
	// Empirical quantile 0.99 of 1..200: the smallest x with F(x) >= 0.99, 198.
	if f.WaitCount != 200 || f.WaitMean != 100.5 || f.WaitP99 != 198 {
		t.Errorf("waits: count %d mean %v p99 %v", f.WaitCount, f.WaitMean, f.WaitP99)
	}
}

func TestResultWriters(t *testing.T) {
	s := NewSummary(SummaryConfig{})
	feed(s, twoFrameworks())
	r := s.Finish(sec(10))

	t.Run("json", func(t *testing.T) {
		var buf bytes.Buffer
		if err := r.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		var back Result
		if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(&back, r) {
			t.Errorf("round trip:\n%+v\n%+v", back, r)
		}
		for _, key := range []string{`"duration_us": 10000000`, `"mean_dominant_share": 0.25`, `"tasks_finished": 1`, `"cycles": 2`} {
			if !strings.Contains(buf.String(), key) {
				t.Errorf("JSON lacks %s:\n%s", key, buf.String())
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		var buf bytes.Buffer
		if err := r.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rows[0], CSVHeader) {
			t.Errorf("header = %v", rows[0])
		}
		var scopes []string
		for _, row := range rows[1:] {
			scopes = append(scopes, row[0]+":"+row[1])
		}
		if got := strings.Join(scopes, " "); got != "role:r1 role:r2 framework:f1 framework:f2 cluster:cluster" {
			t.Errorf("rows = %s", got)
		}
		col := func(name string) int {
			for i, h := range CSVHeader {
				if h == name {
					return i
				}
			}
			t.Fatalf("no column %s", name)
			return -1
		}
		f2 := rows[4]
		if v, _ := strconv.ParseFloat(f2[col("cpu_util")], 64); v != 0.1375 {
			t.Errorf("f2 cpu_util = %s", f2[col("cpu_util")])
		}
		cl := rows[5]
		if cl[col("agents")] != "2" || cl[col("cpus")] != "8" || cl[col("mem")] != "8192" ||
			cl[col("cpu_util")] != "0.3875" || cl[col("cycles")] != "2" || cl[col("duration_us")] != "10000000" {
			t.Errorf("cluster row = %v", cl)
		}
	})

	t.Run("table", func(t *testing.T) {
		var buf bytes.Buffer
		if err := r.WriteTable(&buf); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, s := range []string{"f1", "f2", "r1", "r2", "FRAMEWORK", "ROLE", "13.8%", "2.5s", "cluster: 10s simulated, 2 agents"} {
			if !strings.Contains(out, s) {
				t.Errorf("table lacks %q:\n%s", s, out)
			}
		}
	})
}

// Two summaries of one history give identical bytes.
func TestSummaryDeterministic(t *testing.T) {
	out := func() string {
		s := NewSummary(SummaryConfig{})
		feed(s, twoFrameworks())
		var buf bytes.Buffer
		r := s.Finish(sec(10))
		_ = r.WriteTable(&buf)
		_ = r.WriteCSV(&buf)
		_ = r.WriteJSON(&buf)
		return buf.String()
	}
	a := out()
	for range 5 {
		if b := out(); a != b {
			t.Fatalf("outputs differ:\n%s\n%s", a, b)
		}
	}
}

func BenchmarkSummary(b *testing.B) {
	recs := twoFrameworks()
	b.ReportAllocs()
	for b.Loop() {
		s := NewSummary(SummaryConfig{})
		feed(s, recs)
		s.Finish(sec(10))
	}
}
