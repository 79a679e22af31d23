package report

import (
	"bytes"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }

func frameworkRow(t *testing.T, r *Result, name string) Row {
	t.Helper()
	for _, x := range r.Frameworks {
		if x.Name == name {
			return x
		}
	}
	t.Fatalf("no framework %s in %+v", name, r.Frameworks)
	return Row{}
}

// Locked share: offers count from `offer` until accepted, declined,
// rescinded, or returned by an agent's or the framework's removal.
func TestLockedShare(t *testing.T) {
	recs := []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:4;mem:400;disk:1000")},
		{T: 0, Kind: model.KindAgentAdded, Agent: "a2", Resources: res("cpus:4;mem:400")},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "f1", Role: "r1"},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "f2", Role: "r2"},
		{T: 0, Kind: model.KindOffer, Offer: "o1", Framework: "f1", Role: "r1", Agent: "a1", Resources: res("cpus:4;mem:400;disk:1000")},
		{T: 0, Kind: model.KindOffer, Offer: "o2", Framework: "f2", Role: "r2", Agent: "a2", Resources: res("cpus:4;mem:400")},
		{T: sec(1), Kind: model.KindOfferAccepted, Offer: "o1", Framework: "f1", Agent: "a1", Tasks: 1, Resources: res("cpus:1;mem:100")},
		{T: sec(1), Kind: model.KindTaskLaunched, Task: "t1", Framework: "f1", Agent: "a1", Resources: res("cpus:1;mem:100"), Submitted: -1},
		{T: sec(2), Kind: model.KindOfferDeclined, Offer: "o2", Framework: "f2", Agent: "a2", Resources: res("cpus:4;mem:400")},
		{T: sec(2), Kind: model.KindOffer, Offer: "o3", Framework: "f2", Role: "r2", Agent: "a2", Resources: res("cpus:2;mem:200")},
		{T: sec(3), Kind: model.KindOffer, Offer: "o4", Framework: "f1", Role: "r1", Agent: "a1", Resources: res("cpus:3;mem:300;disk:1000")},
		{T: sec(4), Kind: model.KindAgentRemoved, Agent: "a2", Resources: res("cpus:4;mem:400")},
		{T: sec(5), Kind: model.KindFrameworkRemoved, Framework: "f1"},
	}
	s := NewSummary(SummaryConfig{})
	feed(s, recs)
	got := s.Finish(sec(10))

	// cpu-seconds available: 8×4 + 4×6 = 56; MB-seconds 800×4 + 400×6 = 5600.
	// Locked cpus: o1 4×1, o4 3×2 (f1); o2 4×2, o3 2×2 (f2).
	// Locked mem: o1 400×1, o4 300×2 (f1); o2 400×2, o3 200×2 (f2).
	f1, f2 := frameworkRow(t, got, "f1"), frameworkRow(t, got, "f2")
	if f1.LockedCPUs != 10.0/56 || f1.LockedMem != 1000.0/5600 {
		t.Errorf("f1 locked = %v, %v", f1.LockedCPUs, f1.LockedMem)
	}
	if f2.LockedCPUs != 12.0/56 || f2.LockedMem != 1200.0/5600 {
		t.Errorf("f2 locked = %v, %v", f2.LockedCPUs, f2.LockedMem)
	}
	if got.Roles[0].LockedCPUs != f1.LockedCPUs || got.Roles[1].LockedMem != f2.LockedMem {
		t.Errorf("roles = %+v", got.Roles)
	}
	c := got.Cluster
	if c.LockedCPUs != 22.0/56 || c.LockedMem != 2200.0/5600 {
		t.Errorf("cluster locked = %v, %v", c.LockedCPUs, c.LockedMem)
	}
	// Allocated cpus: o1 4×1, t1 1×4 (until f1 goes at 5), o4 3×2, o2 4×2, o3 2×2.
	// Disk (1000 over 10 s): o1 [0,1), o4 [3,5), allocated and locked alike.
	want := []ResourceRow{
		{Name: "cpus", Total: 4, Util: 26.0 / 56, Locked: 22.0 / 56},
		{Name: "disk", Total: 1000, Util: 0.3, Locked: 0.3},
		{Name: "mem", Total: 400, Util: 2600.0 / 5600, Locked: 2200.0 / 5600},
	}
	if !reflect.DeepEqual(c.Resources, want) {
		t.Errorf("resources =\n%+v\nwant\n%+v", c.Resources, want)
	}
	if c.CPUUtil != want[0].Util || c.MemUtil != want[2].Util {
		t.Errorf("cluster util = %v, %v", c.CPUUtil, c.MemUtil)
	}
}

// Jain's index of weighted dominant shares, from the examples:
// shares 0.2 and 0.4 with weights 1 and 2 give J = 1; shares 0.1 and 0.3
// with weights 1 and 1 give (0.4²)/(2·0.1) = 0.8.
func TestJainWeighted(t *testing.T) {
	recs := []model.Record{
		{T: 0, Kind: model.KindWeightSet, Role: "rb", Weight: 2}, // before the role has a framework
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:10;mem:1000")},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "fa", Role: "ra"},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "fb", Role: "rb"},
		{T: 0, Kind: model.KindOffer, Offer: "o1", Framework: "fa", Role: "ra", Agent: "a1", Resources: res("cpus:2")},
		{T: 0, Kind: model.KindOffer, Offer: "o2", Framework: "fb", Role: "rb", Agent: "a1", Resources: res("cpus:4")},
		{T: sec(10), Kind: model.KindOfferDeclined, Offer: "o1", Framework: "fa", Agent: "a1"},
		{T: sec(10), Kind: model.KindOfferDeclined, Offer: "o2", Framework: "fb", Agent: "a1"},
		{T: sec(10), Kind: model.KindOffer, Offer: "o3", Framework: "fa", Role: "ra", Agent: "a1", Resources: res("cpus:1")},
		{T: sec(10), Kind: model.KindOffer, Offer: "o4", Framework: "fb", Role: "rb", Agent: "a1", Resources: res("cpus:3")},
		{T: sec(10), Kind: model.KindWeightSet, Role: "rb", Weight: 1},
	}
	s := NewSummary(SummaryConfig{})
	feed(s, recs[:6])
	if j := s.Finish(sec(10)).Cluster.Jain; !near(j, 1) {
		t.Errorf("J over [0,10) = %v, want 1", j)
	}
	feed(s, recs[6:])
	if v, _ := s.jainNow(); !near(v, 0.8) {
		t.Errorf("J at 10 = %v, want 0.8", v)
	}
	c := s.Finish(sec(20)).Cluster
	if !near(c.Jain, 0.9) || c.DemandSeconds != 20 {
		t.Errorf("mean J = %v over %vs, want 0.9 over 20s", c.Jain, c.DemandSeconds)
	}
}

// Demand: a submitter has demand only while tasks wait; a framework that
// never submits has demand from its arrival until its removal. Jain's mean
// is over the time with demand only.
func TestDemandPeriods(t *testing.T) {
	recs := []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:10;mem:100")},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "h", Role: "h"},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "w", Role: "w"},
		{T: 0, Kind: model.KindOffer, Offer: "o1", Framework: "h", Role: "h", Agent: "a1", Resources: res("cpus:5")},
		{T: sec(2), Kind: model.KindTaskSubmitted, Task: "t1", Job: "j1", Framework: "w", Resources: res("cpus:5")},
		{T: sec(4), Kind: model.KindOffer, Offer: "o2", Framework: "w", Role: "w", Agent: "a1", Resources: res("cpus:5")},
		{T: sec(6), Kind: model.KindOfferAccepted, Offer: "o2", Framework: "w", Agent: "a1", Tasks: 1, Resources: res("cpus:5")},
		{T: sec(6), Kind: model.KindTaskLaunched, Task: "t1", Job: "j1", Framework: "w", Agent: "a1", Resources: res("cpus:5"), Submitted: sec(2)},
		{T: sec(8), Kind: model.KindFrameworkRemoved, Framework: "h"},
		{T: sec(9), Kind: model.KindTaskStatus, Task: "t1", Framework: "w", Agent: "a1", State: "TASK_FINISHED", SeenBy: "master"},
	}

	// With w known as a submitter: [0,2) only h (J=1); [2,4) h 0.5, w 0
	// (J=0.5); [4,6) both 0.5 (J=1); [6,8) only h (J=1); [8,10) none.
	s := NewSummary(SummaryConfig{Submitters: []string{"w"}})
	feed(s, recs)
	got := s.Finish(sec(10))
	if c := got.Cluster; c.Jain != 7.0/8 || c.DemandSeconds != 8 {
		t.Errorf("jain = %v over %vs, want 0.875 over 8s", c.Jain, c.DemandSeconds)
	}
	// h: offered at 0, then nothing until its removal at 8. w: waits [2,4)
	// and [4,6).
	if h, w := frameworkRow(t, got, "h"), frameworkRow(t, got, "w"); h.Starvation != 8 || w.Starvation != 2 {
		t.Errorf("starvation h %v w %v, want 8 and 2", h.Starvation, w.Starvation)
	}
	if j := frameworkRow(t, got, "w").Jobs; j != (Jobs{JobsCompleted: 1, JobP50: 7, JobP99: 7}) {
		t.Errorf("w jobs = %+v", j)
	}

	// Not told: w wants offers from 0 until it submits, then while t1
	// waits. [0,2) h 0.5, w 0 (J=0.5); [2,4) the same; [4,6) J=1; [6,8)
	// J=1. Its first interval is [0,4).
	s = NewSummary(SummaryConfig{})
	feed(s, recs)
	got = s.Finish(sec(10))
	if c := got.Cluster; c.Jain != 6.0/8 || c.DemandSeconds != 8 || c.StarvationMax != 8 {
		t.Errorf("cluster = %+v", c)
	}
	if w := frameworkRow(t, got, "w"); w.Starvation != 4 {
		t.Errorf("w starvation = %v, want 4", w.Starvation)
	}
}

// Starvation: the longest interval with demand and no offer, an interval
// still open at the end measured to the end; the cluster's is the longest.
func TestStarvation(t *testing.T) {
	s := NewSummary(SummaryConfig{Submitters: []string{"w"}})
	feed(s, []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:10;mem:100")},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "d", Role: "r"},
		{T: 0, Kind: model.KindFrameworkAdded, Framework: "w", Role: "r"},
		{T: sec(1), Kind: model.KindOffer, Offer: "o1", Framework: "d", Agent: "a1", Resources: res("cpus:1")},
		{T: sec(1), Kind: model.KindOfferDeclined, Offer: "o1", Framework: "d", Agent: "a1"},
		{T: sec(4), Kind: model.KindOffer, Offer: "o2", Framework: "d", Agent: "a1", Resources: res("cpus:1")},
		{T: sec(4), Kind: model.KindOffer, Offer: "o3", Framework: "w", Agent: "a1", Resources: res("cpus:1")}, // no demand
		{T: sec(5), Kind: model.KindTaskSubmitted, Task: "t1", Framework: "w", Resources: res("cpus:1")},
		{T: sec(5), Kind: model.KindFrameworkAdded, Framework: "late", Role: "r2"},
		{T: sec(12), Kind: model.KindOffer, Offer: "o4", Framework: "d", Agent: "a1", Resources: res("cpus:1")},
	})
	got := s.Finish(sec(20))
	// d: [0,1) 1, [1,4) 3, [4,12) 8, [12,20) 8 (open). w: [5,20) open, 15.
	// late: [5,20) open, 15.
	want := map[string]float64{"d": 8, "w": 15, "late": 15}
	for name, v := range want {
		if x := frameworkRow(t, got, name).Starvation; x != v {
			t.Errorf("%s starvation = %v, want %v", name, x, v)
		}
	}
	if got.Cluster.StarvationMax != 15 || got.Roles[0].Starvation != 15 {
		t.Errorf("cluster %v, role r %v, want 15", got.Cluster.StarvationMax, got.Roles[0].Starvation)
	}
	// A later Finish measures the open intervals to the later end.
	if x := s.Finish(sec(30)).Cluster.StarvationMax; x != 25 {
		t.Errorf("starvation at 30 = %v, want 25", x)
	}
}

// Job completion: first submission to the last task's first terminal
// state seen by the master; only completed jobs count.
func TestJobCompletion(t *testing.T) {
	launch := func(at float64, fw, task, job string, sub float64) model.Record {
		return model.Record{T: sec(at), Kind: model.KindTaskLaunched, Task: task, Job: job, Framework: fw, Agent: "a1",
			Resources: res("cpus:1"), Submitted: sec(sub)}
	}
	submit := func(at float64, fw, task, job string) model.Record {
		return model.Record{T: sec(at), Kind: model.KindTaskSubmitted, Task: task, Job: job, Framework: fw, Resources: res("cpus:1")}
	}
	status := func(at float64, fw, task, state, by string) model.Record {
		return model.Record{T: sec(at), Kind: model.KindTaskStatus, Task: task, Framework: fw, Agent: "a1", State: state, SeenBy: by}
	}
	s := NewSummary(SummaryConfig{})
	feed(s, []model.Record{
		{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:100")},
		submit(1, "f", "t1", "J1"), submit(1, "f", "t2", "J1"),
		submit(1, "g", "u1", "J1"), // another framework's job of the same name
		launch(1, "g", "u1", "J1", 1),
		submit(2, "f", "t3", "J2"),
		submit(3, "f", "t4", "J3"),
		submit(3, "f", "t5", "J4"),
		submit(3, "f", "t6", ""), // no job
		launch(2, "f", "t1", "J1", 1),
		launch(3, "f", "t2", "J1", 1),
		launch(3, "f", "t3", "J2", 2),
		launch(4, "f", "t5", "J4", 3),
		launch(4, "f", "t6", "", 3),
		status(4, "f", "t1", "TASK_FINISHED", "agent"), // not the master's
		status(4, "f", "t3", "TASK_KILLED", "master"),  // J2: 4-2
		status(5, "f", "t1", "TASK_RUNNING", "master"), // not terminal
		status(5, "f", "t1", "TASK_FINISHED", "master"),
		status(5, "f", "t4", "TASK_ERROR", "master"), // J3, never launched: 5-3
		status(6, "f", "t6", "TASK_FINISHED", "master"),
		status(7, "f", "t2", "TASK_FAILED", "master"), // J1: 7-1
		status(8, "f", "t2", "TASK_FAILED", "master"), // counted once
		status(11, "g", "u1", "TASK_FINISHED", "master"),
		// J4 (t5) never ends.
	})
	got := s.Finish(sec(20))
	if j := frameworkRow(t, got, "f").Jobs; j != (Jobs{JobsCompleted: 3, JobP50: 2, JobP99: 6}) {
		t.Errorf("f jobs = %+v", j)
	}
	if j := frameworkRow(t, got, "g").Jobs; j != (Jobs{JobsCompleted: 1, JobP50: 10, JobP99: 10}) {
		t.Errorf("g jobs = %+v", j)
	}
	if j := got.Cluster.Jobs; j != (Jobs{JobsCompleted: 4, JobP50: 2, JobP99: 10}) {
		t.Errorf("cluster jobs = %+v", j)
	}
	// f's pending work ended with t4's error at 5: it waited [1,5) with no
	// offer.
	if x := frameworkRow(t, got, "f").Starvation; x != 4 {
		t.Errorf("f starvation = %v, want 4", x)
	}
}

// Waits 1..20 s: empirical p50 10, p95 19, p99 20; the cluster's are over
// every framework's.
func TestWaitPercentiles(t *testing.T) {
	s := NewSummary(SummaryConfig{})
	for i := 1; i <= 20; i++ {
		fw := "f"
		if i%2 == 0 {
			fw = "g"
		}
		s.Observe(&model.Record{T: sec(100), Kind: model.KindTaskLaunched, Task: strconv.Itoa(i),
			Framework: fw, Agent: "a", Submitted: sec(100 - float64(i))})
	}
	got := s.Finish(sec(100))
	if w := got.Cluster.Waits; w != (Waits{WaitMean: 10.5, WaitP50: 10, WaitP95: 19, WaitP99: 20, WaitCount: 20}) {
		t.Errorf("cluster waits = %+v", w)
	}
	// f waits 1,3,...,19: p50 9, p95 19.
	if w := frameworkRow(t, got, "f").Waits; w.WaitP50 != 9 || w.WaitP95 != 19 || w.WaitP99 != 19 || w.WaitCount != 10 {
		t.Errorf("f waits = %+v", w)
	}
}

// The incrementally kept fairness sums agree with a recomputation from
// every role after each record of a random history, including agents
// added and removed, weights changed and frameworks moved.
func TestJainIncrementalMatchesRecompute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := NewSummary(SummaryConfig{Submitters: []string{"f1", "f3"}})
	fws := []string{"f0", "f1", "f2", "f3", "f4"}
	roles := []string{"r0", "r1", "r2"}
	var now float64
	offer := 0
	var open []string
	s.Observe(&model.Record{Kind: model.KindAgentAdded, Agent: "a0", Resources: res("cpus:16;mem:16000")})
	for i := range 5000 {
		if rng.IntN(3) == 0 {
			now += float64(rng.IntN(3))
		}
		r := model.Record{T: sec(now)}
		fw := fws[rng.IntN(len(fws))]
		switch rng.IntN(9) {
		case 0:
			r.Kind, r.Agent = model.KindAgentAdded, "a"+strconv.Itoa(1+rng.IntN(3))
			r.Resources = res("cpus:" + strconv.Itoa(1+rng.IntN(8)) + ";mem:4000")
		case 1:
			r.Kind, r.Agent = model.KindAgentRemoved, "a"+strconv.Itoa(1+rng.IntN(3))
		case 2:
			r.Kind, r.Role, r.Weight = model.KindWeightSet, roles[rng.IntN(len(roles))], float64(1+rng.IntN(4))
		case 3:
			r.Kind, r.Framework, r.Role = model.KindFrameworkAdded, fw, roles[rng.IntN(len(roles))]
		case 4, 5:
			offer++
			id := "o" + strconv.Itoa(offer)
			open = append(open, id)
			r.Kind, r.Offer, r.Framework, r.Agent = model.KindOffer, id, fw, "a"+strconv.Itoa(rng.IntN(4))
			r.Resources = res("cpus:" + strconv.Itoa(1+rng.IntN(3)) + ";mem:" + strconv.Itoa(100*(1+rng.IntN(20))))
		case 6:
			if len(open) == 0 {
				continue
			}
			k := rng.IntN(len(open))
			r.Kind, r.Offer, r.Framework = model.KindOfferDeclined, open[k], fw
			open = append(open[:k], open[k+1:]...)
		case 7:
			r.Kind, r.Framework, r.Task = model.KindTaskSubmitted, fw, "t"+strconv.Itoa(i)
		case 8:
			r.Kind, r.Framework, r.Task, r.Agent = model.KindTaskLaunched, fw, "t"+strconv.Itoa(i-rng.IntN(50)), "a0"
			r.Submitted = -1
		}
		s.Observe(&r)
		if s.jain.dirty {
			continue // nothing incremental to check
		}
		n, sum, sq := 0, 0.0, 0.0
		for _, ro := range s.roleList {
			demand := 0
			for _, f := range ro.frameworks {
				if f.demands() {
					demand++
				}
			}
			if demand != ro.demand {
				t.Fatalf("record %d: role %s demand %d, want %d", i, ro.name, ro.demand, demand)
			}
			if demand > 0 {
				x := s.share(ro.acct.alloc) / ro.weight
				n, sum, sq = n+1, sum+x, sq+x*x
			}
		}
		j := &s.jain
		if j.n != n || math.Abs(j.sum-sum) > 1e-9 || math.Abs(j.sq-sq) > 1e-9 {
			t.Fatalf("record %d: sums n=%d Σ=%v Σ²=%v, want %d %v %v", i, j.n, j.sum, j.sq, n, sum, sq)
		}
	}
	if c := s.Finish(sec(now + 1)).Cluster; c.Jain <= 0 || c.Jain > 1 {
		t.Errorf("mean J = %v", c.Jain)
	}
}

func TestResultWritersNewColumns(t *testing.T) {
	s := NewSummary(SummaryConfig{})
	feed(s, twoFrameworks())
	r := s.Finish(sec(10))

	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	get := func(row []string, name string) string {
		for i, h := range CSVHeader {
			if h == name {
				return row[i]
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	for _, row := range rows {
		if len(row) != len(CSVHeader) {
			t.Fatalf("row of %d cells, header of %d", len(row), len(CSVHeader))
		}
	}
	f2, cl := rows[4], rows[5]
	checks := []struct {
		row       []string
		col, want string
	}{
		{f2, "locked_cpus", "0.075"}, {f2, "locked_mem", "0.0875"}, {f2, "starvation", "6"},
		{f2, "wait_p50", "1"}, {f2, "wait_p95", "1"}, {f2, "jobs_completed", "0"}, {f2, "jain", ""},
		{cl, "locked_cpus", "0.225"}, {cl, "wait_p50", "1"}, {cl, "wait_p95", "2.5"}, {cl, "wait_count", "2"},
		{cl, "starvation", "6"}, {cl, "jain", "0.95"}, {cl, "demand_seconds", "10"},
		{cl, "util_by_resource", "cpus:0.3875;mem:0.35"}, {cl, "locked_by_resource", "cpus:0.225;mem:0.2375"},
		{cl, "duration_us", "10000000"},
	}
	for _, c := range checks {
		if got := get(c.row, c.col); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.row[1], c.col, got, c.want)
		}
	}

	buf.Reset()
	if err := r.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range []string{"LOCKED CPUS", "STARVED", "6s", "WAIT P95", "JOBS DONE", "CLUSTER METRIC",
		"jain (roles with demand)", "0.950", "22.5%", "starvation max"} {
		if !strings.Contains(out, s) {
			t.Errorf("table lacks %q:\n%s", s, out)
		}
	}
}
