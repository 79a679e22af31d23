package model_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/policies"
	"github.com/mesosim/mesosim/sim"
)

// probe is a scripted scheduler: it launches one task per offer until it
// has launched `launch` tasks, declines the rest for a long time, and
// records every event it sees as "STATE REASON SOURCE" lines per task.
type probe struct {
	launch, n int
	duration  sim.Time
	events    []string
	offers    []string
}

func (p *probe) Subscribed(d model.Driver) {}

func (p *probe) Offers(d model.Driver, offers []model.OfferOut) {
	for _, o := range offers {
		p.offers = append(p.offers, o.ID)
		if p.n < p.launch {
			p.n++
			task := model.TaskInfo{ID: fmt.Sprintf("t%d", p.n), Resources: model.MustParseResources("cpus:1;mem:64"),
				Duration: p.duration, Submitted: d.Now()}
			d.Accept([]string{o.ID}, []model.TaskInfo{task}, 1000)
			continue
		}
		if p.launch >= 0 {
			d.Decline([]string{o.ID}, 1000)
		}
	}
}

func (p *probe) Rescind(d model.Driver, offer string) {}

func (p *probe) Update(d model.Driver, st model.TaskStatus) {
	rel := "unreliable"
	if st.UUID != 0 {
		rel = "reliable"
	}
	p.events = append(p.events, fmt.Sprintf("%s %s %s %s %s", st.Task, st.State, st.Reason, st.Source, rel))
}

func (p *probe) Failure(d model.Driver, agent string) { p.events = append(p.events, "FAILURE "+agent) }

func (p *probe) Error(d model.Driver, msg string) { p.events = append(p.events, "ERROR") }

// events returns the probe's events that mention task (or all when "").
func (p *probe) eventsOf(task string) []string {
	var out []string
	for _, e := range p.events {
		if task == "" || strings.HasPrefix(e, task+" ") {
			out = append(out, e)
		}
	}
	return out
}

type protoWorld struct {
	*model.World
	faults  *sim.Faults
	records []model.Record
}

func newProtoWorld(t *testing.T, seed uint64) *protoWorld {
	t.Helper()
	return newProtoWorldWith(t, model.WorldConfig{Seed: seed, Master: model.MasterConfig{AllocationInterval: sim.Second}})
}

// newProtoWorldCfg is newProtoWorld with a master configuration of its own
// (registry GC settings, say).
func newProtoWorldCfg(t *testing.T, seed uint64, cfg model.MasterConfig) *protoWorld {
	t.Helper()
	return newProtoWorldWith(t, model.WorldConfig{Seed: seed, Master: cfg})
}

// newProtoWorldWith is newProtoWorld with a world configuration of its own
// (a network delay, say, to tell the hops of a message apart).
func newProtoWorldWith(t *testing.T, cfg model.WorldConfig) *protoWorld {
	t.Helper()
	w := &protoWorld{}
	w.World = model.NewWorld(cfg,
		func(clock model.Clock, streams sim.Streams) model.Allocator {
			return policies.NewDRF(model.AllocatorConfig{AllocationInterval: sim.Second, Clock: clock, Rand: streams.Get("allocator")})
		})
	w.faults = sim.NewFaults(w.Streams().Get("network"))
	w.Network().SetFaults(w.faults)
	w.Observe(model.ObserverFunc(func(r *model.Record) { w.records = append(w.records, *r) }))
	w.Start()
	return w
}

func (w *protoWorld) must(err error) {
	if err != nil {
		panic(err)
	}
}

func (w *protoWorld) framework(name string, partitionAware bool, p *probe) {
	w.must(w.AddFramework(model.FrameworkConfig{Name: name, Role: "r", PartitionAware: partitionAware, RefuseSeconds: 1000}, p))
}

// partition cuts agent from the master both ways over [from, heal).
func (w *protoWorld) partition(agent string, from, heal sim.Time) {
	w.faults.AddPartition(sim.Partition{Name: "p-" + agent, A: []string{"agent/" + agent}, B: []string{"master"}, Start: from, Heal: heal})
}

func expect(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n got: %s\nwant: %s", what, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

// Task-state table, row "accept with invalid or rescinded offer".
func TestTaskStateInvalidOffer(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorld(t, 1)
		p := &probe{launch: -1}
		w.framework("f", pa, p)
		w.At(sim.Second, func() {
			w.must(w.CallFramework("f", func(d model.Driver) {
				d.Accept([]string{"o-nope"}, []model.TaskInfo{{ID: "t1", Resources: model.MustParseResources("cpus:1")}}, 0)
			}))
		})
		w.Run(2 * sim.Second)
		want := "t1 TASK_LOST REASON_INVALID_OFFERS SOURCE_MASTER unreliable"
		if pa {
			want = "t1 TASK_DROPPED REASON_INVALID_OFFERS SOURCE_MASTER unreliable"
		}
		expect(t, fmt.Sprintf("partition-aware=%v", pa), p.eventsOf("t1"), []string{want})
	}
}

// Row "agent gone / disconnected at launch time": the offer was valid, but
// its agent went away before the accept arrived.
func TestTaskStateAgentGoneAtLaunch(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:2;mem:1024")))
	p := &probe{launch: -1}
	w.framework("f", true, p)
	w.Run(sim.Second / 2) // the offer is out
	w.must(w.RemoveAgent("a1"))
	w.Run(sim.Second)
	w.must(w.CallFramework("f", func(d model.Driver) {
		d.Accept([]string{p.offers[0]}, []model.TaskInfo{{ID: "t1", Resources: model.MustParseResources("cpus:1")}}, 0)
	}))
	w.Run(2 * sim.Second)
	expect(t, "events", p.eventsOf("t1"), []string{"t1 TASK_DROPPED REASON_SLAVE_REMOVED SOURCE_MASTER unreliable"})
}

// Rows "agent misses 5 pings" and "unreachable agent re-registers".
func TestTaskStateUnreachableAndBack(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorld(t, 1)
		w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
		p := &probe{launch: 1, duration: sim.Never}
		w.framework("f", pa, p)
		w.partition("a1", 10*sim.Second, 100*sim.Second)
		w.Run(89 * sim.Second)
		started := []string{"t1 TASK_STARTING  SOURCE_EXECUTOR reliable", "t1 TASK_RUNNING  SOURCE_EXECUTOR reliable"}
		expect(t, "before the fifth missed ping", p.eventsOf("t1"), started)
		w.Run(90 * sim.Second) // pings at 15..75 s unanswered: unreachable at 90 s
		lost := "t1 TASK_LOST REASON_SLAVE_REMOVED SOURCE_MASTER unreliable"
		if pa {
			lost = "t1 TASK_UNREACHABLE REASON_SLAVE_REMOVED SOURCE_MASTER unreliable"
		}
		expect(t, "at 90 s", p.events, append(started[:2:2], lost, "FAILURE a1"))
		w.Run(10 * sim.Minute)
		expect(t, "after the partition heals", p.eventsOf("t1"), append(started[:2:2], lost,
			"t1 TASK_RUNNING REASON_SLAVE_REREGISTERED SOURCE_MASTER unreliable"))
	}
}

// Row "agent re-registers without a task the master had": the RunTask was
// lost; after a partition the agent re-registers and reports the task it

// Row "framework removed": the master marks its tasks KILLED,
// REASON_FRAMEWORK_REMOVED, and the agents shut them down.
func TestTaskStateFrameworkRemoved(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	w.framework("f", true, &probe{launch: 1, duration: sim.Never})
	w.Run(sim.Second)
	w.must(w.RemoveFramework("f"))
	w.Run(2 * sim.Second)
	var got []string
	for _, r := range w.records {
		if r.Kind == model.KindTaskStatus && r.SeenBy == "master" {
			got = append(got, r.State+" "+r.Reason)
		}
	}
	expect(t, "master records", got, []string{"TASK_STARTING ", "TASK_RUNNING ", "TASK_KILLED REASON_FRAMEWORK_REMOVED"})
	if n := len(w.AgentTasks()); n != 0 {
		t.Fatalf("agent still runs %d tasks of the removed framework", n)
	}
}

// The reconciliation table, explicit and implicit.
func TestReconciliationTable(t *testing.T) {
	for _, pa := range []bool{true, false} {
		w := newProtoWorld(t, 1)
		w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
		w.must(w.AddAgent("a2", model.MustParseResources("cpus:1;mem:64")))
		w.must(w.AddAgent("a3", model.MustParseResources("cpus:1;mem:64")))
		p := &probe{launch: 1, duration: sim.Never}
		w.framework("f", pa, p)
		w.Run(sim.Second)
		t1 := p.eventsOf("t1")[0]
		agentOf := w.MasterTasks()[0].Agent
		w.partition("a2", 2*sim.Second, sim.Hour) // a2 becomes unreachable at 92 s
		w.must(w.RemoveAgent("a3"))               // a3 is gone
		if agentOf == "a2" || agentOf == "a3" {
			t.Skip("seed placed t1 on a2 or a3")
		}
		w.Run(100 * sim.Second)
		p.events = nil
		w.must(w.CallFramework("f", func(d model.Driver) {
			d.Reconcile([]model.TaskRef{
				{Task: "t1", Agent: agentOf}, // known
				{Task: "ghost", Agent: "a1"}, // registered agent, unknown task
				{Task: "ghost", Agent: "a2"}, // unreachable agent
				{Task: "ghost", Agent: "a3"}, // gone agent
				{Task: "ghost", Agent: "a9"}, // unknown agent
			})
		}))
		w.Run(101 * sim.Second)
		want := []string{
			"t1 TASK_RUNNING REASON_RECONCILIATION SOURCE_MASTER unreliable",
			"ghost TASK_GONE REASON_RECONCILIATION SOURCE_MASTER unreliable",
			"ghost TASK_UNREACHABLE REASON_RECONCILIATION SOURCE_MASTER unreliable",
			"ghost TASK_GONE_BY_OPERATOR REASON_RECONCILIATION SOURCE_MASTER unreliable",
			"ghost TASK_UNKNOWN REASON_RECONCILIATION SOURCE_MASTER unreliable",
		}
		if !pa {
			for i := 1; i < len(want); i++ {
				want[i] = "ghost TASK_LOST REASON_RECONCILIATION SOURCE_MASTER unreliable"
			}
		}
		expect(t, fmt.Sprintf("explicit, partition-aware=%v", pa), p.events, want)
		p.events = nil
		w.must(w.CallFramework("f", func(d model.Driver) { d.Reconcile(nil) }))
		w.Run(102 * sim.Second)
		expect(t, "implicit", p.events, []string{"t1 TASK_RUNNING REASON_RECONCILIATION SOURCE_MASTER unreliable"})
		_ = t1
	}
}

// Explicit reconciliation of a task on an agent the new leader knows from
// its registry but that has not re-registered yet gets no answer.
func TestReconciliationNoAnswerBeforeReregistration(t *testing.T) {
	w := newProtoWorld(t, 1)
	w.must(w.AddAgent("a1", model.MustParseResources("cpus:1;mem:64")))
	p := &probe{launch: 1, duration: sim.Never}
	w.framework("f", true, p)
	w.Run(sim.Second)
	w.partition("a1", 5*sim.Second, sim.Hour) // a1 cannot re-register
	w.FailMaster(model.LeaderElectionDelay)
	w.Run(30 * sim.Second) // new leader at 11 s; f re-subscribed
	p.events = nil
	w.must(w.CallFramework("f", func(d model.Driver) {
		d.Reconcile([]model.TaskRef{{Task: "t1", Agent: "a1"}, {Task: "ghost", Agent: "nowhere"}})
	}))
	w.Run(31 * sim.Second)
	expect(t, "answers", p.events, []string{"ghost TASK_UNKNOWN REASON_RECONCILIATION SOURCE_MASTER unreliable"})
}

// sendLog is a fault model that loses a share of some messages and logs
// when each StatusUpdate was sent.
type sendLog struct {
	inner *sim.Faults
	sends map[uint64][]sim.Time // by update UUID
}

func (s *sendLog) Route(now sim.Time, e sim.Envelope) sim.Route {
	if u, ok := e.Msg.(model.StatusUpdate); ok {
		s.sends[u.Status.UUID] = append(s.sends[u.Status.UUID], now)
	}
	return s.inner.Route(now, e)
}

// inOrder is the command executor's stream, each update possibly
// duplicated and none skipped.
var inOrder = regexp.MustCompile(`^(TASK_STARTING )+(TASK_RUNNING )+TASK_FINISHED( TASK_FINISHED)*$`)

// The status update manager under 50% loss of updates and acknowledgements:
// every task's updates reach the framework in the agent's order, possibly
// duplicated, never skipping; retries follow 10 s, 20 s, 40 s ... 10 min.
func TestStatusUpdateManagerUnderLoss(t *testing.T) {
	w := newProtoWorld(t, 3)
	log := &sendLog{inner: w.faults, sends: map[uint64][]sim.Time{}}
	w.Network().SetFaults(log)
	w.faults.AddRule(sim.Rule{Types: []string{"StatusUpdate", "UPDATE", "ACKNOWLEDGE", "StatusUpdateAcknowledgement"}, Loss: 0.5})
	for i := 1; i <= 4; i++ {
		w.must(w.AddAgent(fmt.Sprintf("a%d", i), model.MustParseResources("cpus:4;mem:1024")))
	}
	p := &probe{launch: 4, duration: 30 * sim.Second}
	w.framework("f", true, p)
	// A retry gets through all four lossy hops one time in 16: give it a
	// simulated day of 10-minute retries.
	w.Run(24 * sim.Hour)
	for i := 1; i <= 4; i++ {
		task := fmt.Sprintf("t%d", i)
		var states []string
		for _, e := range p.eventsOf(task) {
			states = append(states, strings.Fields(e)[1])
		}
		// In order, possibly duplicated: STARTING+ RUNNING+ FINISHED+.
		seq := strings.Join(states, " ")
		if !inOrder.MatchString(seq) {
			t.Fatalf("%s: updates seen %q, want TASK_STARTING... TASK_RUNNING... then TASK_FINISHED...", task, seq)
		}
	}
	retried := 0
	for uuid, times := range log.sends {
		want := 10 * sim.Second
		for i := 1; i < len(times); i++ {
			if got := times[i] - times[i-1]; got != want {
				t.Fatalf("update %d: retry %d after %v, want %v (sends at %v)", uuid, i, got, want, times)
			}
			want = min(2*want, 10*sim.Minute)
			retried++
		}
	}
	if retried == 0 {
		t.Fatal("no update was retried: the loss rule did not bite")
	}
	if n := len(w.MasterTasks()); n != 0 {
		t.Fatalf("master still holds %d tasks: terminal updates were not all acknowledged", n)
	}
}
