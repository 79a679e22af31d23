package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

func res(s string) model.Resources { return model.MustParseResources(s) }

// eventLogCases pairs a record with the exact line it must give.
var eventLogCases = []struct {
	rec  model.Record
	line string
}{
	{model.Record{T: 0, Kind: model.KindAgentAdded, Agent: "a1", Resources: res("cpus:2;mem:1024;cpus(r1):1.5;ports:[31000-32000]")},
		`{"t":0,"kind":"agent_added","agent":"a1","resources":{"cpus":2,"cpus(r1)":1.5,"mem":1024,"ports":"[31000-32000]"}}`},
	{model.Record{T: 7, Kind: model.KindAgentRemoved, Agent: "a1", Reason: "removed", Resources: res("cpus:2")},
		`{"t":7,"kind":"agent_removed","agent":"a1","reason":"removed","resources":{"cpus":2}}`},
	{model.Record{T: 1, Kind: model.KindFrameworkAdded, Framework: "f1", Role: "r1"},
		`{"t":1,"kind":"framework_added","framework":"f1","role":"r1"}`},
	{model.Record{T: 2, Kind: model.KindFrameworkRemoved, Framework: "f1"},
		`{"t":2,"kind":"framework_removed","framework":"f1","reason":""}`},
	{model.Record{T: 3, Kind: model.KindFrameworkSuppress, Framework: "f1", Role: "ignored"},
		`{"t":3,"kind":"framework_suppressed","framework":"f1"}`},
	{model.Record{T: 4, Kind: model.KindFrameworkRevive, Framework: "f1"},
		`{"t":4,"kind":"framework_revived","framework":"f1"}`},
	{model.Record{T: 5, Kind: model.KindWeightSet, Role: "r2", Weight: 2.5},
		`{"t":5,"kind":"weight_set","role":"r2","weight":2.5}`},
	{model.Record{T: 1000000, Kind: model.KindAllocation, Cycle: 1, Agents: 3},
		`{"t":1000000,"kind":"allocation","cycle":1,"agents":3}`},
	{model.Record{T: 1000000, Kind: model.KindOffer, Offer: "o1", Framework: "f1", Role: "r1", Agent: "a1", Resources: res("cpus:0.5;mem:128")},
		`{"t":1000000,"kind":"offer","offer":"o1","framework":"f1","role":"r1","agent":"a1","resources":{"cpus":0.5,"mem":128}}`},
	{model.Record{T: 1000001, Kind: model.KindOfferDeclined, Offer: "o1", Framework: "f1", Agent: "a1", RefuseSeconds: 5, Resources: res("cpus:0.5")},
		`{"t":1000001,"kind":"offer_declined","offer":"o1","framework":"f1","agent":"a1","refuse_seconds":5,"resources":{"cpus":0.5}}`},
	{model.Record{T: 9, Kind: model.KindOfferDeclined, Offer: "o9", Framework: "f1", Agent: "a1", RefuseSeconds: 1e21},
		`{"t":9,"kind":"offer_declined","offer":"o9","framework":"f1","agent":"a1","refuse_seconds":1000000000000000000000,"resources":{}}`},
	{model.Record{T: 10, Kind: model.KindOfferAccepted, Offer: "o2", Framework: "f1", Agent: "a1", Tasks: 2, Resources: res("cpus:1")},
		`{"t":10,"kind":"offer_accepted","offer":"o2","framework":"f1","agent":"a1","tasks":2,"resources":{"cpus":1}}`},
	{model.Record{T: 11, Kind: model.KindOfferRescinded, Offer: "o3", Framework: "f1", Agent: "a1", Reason: "offer_timeout", Resources: res("mem:1")},
		`{"t":11,"kind":"offer_rescinded","offer":"o3","framework":"f1","agent":"a1","reason":"offer_timeout","resources":{"mem":1}}`},
	{model.Record{T: 12, Kind: model.KindTaskSubmitted, Task: "t1", Framework: "f1", Resources: res("cpus:1")},
		`{"t":12,"kind":"task_submitted","task":"t1","framework":"f1","resources":{"cpus":1}}`},
	{model.Record{T: 13, Kind: model.KindTaskLaunched, Task: "t1", Framework: "f1", Agent: "a1", Resources: res("cpus:1"), Submitted: 12},
		`{"t":13,"kind":"task_launched","task":"t1","framework":"f1","agent":"a1","resources":{"cpus":1},"submitted":12}`},
	{model.Record{T: 13, Kind: model.KindTaskLaunched, Task: "t2", Framework: "f1", Agent: "a1", Resources: res("cpus:1"), Submitted: 0},
		`{"t":13,"kind":"task_launched","task":"t2","framework":"f1","agent":"a1","resources":{"cpus":1},"submitted":0}`},
	{model.Record{T: 13, Kind: model.KindTaskLaunched, Task: "t3", Framework: "f1", Agent: "a1", Resources: res("cpus:1"), Submitted: -1},
		`{"t":13,"kind":"task_launched","task":"t3","framework":"f1","agent":"a1","resources":{"cpus":1}}`},
	{model.Record{T: 14, Kind: model.KindTaskStatus, Task: "t1", Framework: "f1", Agent: "a1", State: "TASK_FINISHED", Source: model.SourceExecutor, SeenBy: "master"},
		`{"t":14,"kind":"task_status","task":"t1","framework":"f1","agent":"a1","state":"TASK_FINISHED","reason":"","source":"SOURCE_EXECUTOR","seen_by":"master"}`},
	{model.Record{T: 90000000, Kind: model.KindTaskStatus, Task: "t1", Framework: "f1", Agent: "a1", State: "TASK_UNREACHABLE", Reason: model.ReasonAgentRemoved, Source: model.SourceMaster, SeenBy: "framework", UnreachableTime: 90000000},
		`{"t":90000000,"kind":"task_status","task":"t1","framework":"f1","agent":"a1","state":"TASK_UNREACHABLE","reason":"REASON_SLAVE_REMOVED","source":"SOURCE_MASTER","seen_by":"framework","unreachable_time":90000000}`},
	{model.Record{T: 15, Kind: model.KindMessageDropped, Type: "mesos.internal.StatusUpdateMessage", From: "slave(1)@a1", To: "master@m"},
		`{"t":15,"kind":"message_dropped","type":"mesos.internal.StatusUpdateMessage","from":"slave(1)@a1","to":"master@m"}`},
	{model.Record{T: 16, Kind: model.KindFault, Fault: "agent_crash", Agent: "a1"},
		`{"t":16,"kind":"fault","fault":"agent_crash","agent":"a1"}`},
	{model.Record{T: 17, Kind: model.KindFault, Fault: "partition", Framework: "f1", Detail: "master<->f1 both ways"},
		`{"t":17,"kind":"fault","fault":"partition","framework":"f1","detail":"master<->f1 both ways"}`},
	{model.Record{T: 18, Kind: model.KindInvariantViolation, Invariant: "no_overcommit", Detail: "cpus 3 > 2", Agent: "a1"},
		`{"t":18,"kind":"invariant_violated","invariant":"no_overcommit","detail":"cpus 3 > 2","agent":"a1"}`},
	{model.Record{T: 19, Kind: model.KindInvariantViolation, Invariant: "terminal_is_final", Task: "t1"},
		`{"t":19,"kind":"invariant_violated","invariant":"terminal_is_final","task":"t1"}`},
	// An unknown kind logs every non-empty field in struct order.
	{model.Record{T: 20, Kind: "future_kind", Framework: "f1", Agent: "a1", Resources: res("cpus:1"), State: "S", RefuseSeconds: 0.25, Cycle: 3, Tasks: 1, Submitted: -1, Detail: "d"},
		`{"t":20,"kind":"future_kind","agent":"a1","framework":"f1","resources":{"cpus":1},"state":"S","refuse_seconds":0.25,"cycle":3,"tasks":1,"detail":"d"}`},
	{model.Record{T: 21, Kind: "bare"},
		`{"t":21,"kind":"bare"}`},
	// Escaping: quotes, backslashes, control characters, U+2028, invalid UTF-8;
	// <, > and & and other non-ASCII text pass through.
	{model.Record{T: 22, Kind: model.KindFrameworkAdded, Framework: "q\"b\\n\n\t\x01<&>é\u2028\xff", Role: "r"},
		`{"t":22,"kind":"framework_added","framework":"q\"b\\n\n\t\u0001<&>é\u2028\ufffd","role":"r"}`},
}

func TestEventLogGolden(t *testing.T) {
	var buf bytes.Buffer
	l := NewEventLog(&buf, &Header{Seed: 42, Scenario: "unreserved \"drf\"", Version: "v0.1.0"})
	want := []string{`{"t":0,"kind":"header","seed":42,"scenario":"unreserved \"drf\"","version":"v0.1.0"}`}
	for i := range eventLogCases {
		l.Observe(&eventLogCases[i].rec)
		want = append(want, eventLogCases[i].line)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), buf.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i, got[i], want[i])
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(got[i]), &m); err != nil {
			t.Errorf("line %d is not JSON: %v", i, err)
		}
	}
}

// Heartbeats are left out unless asked for: heartbeat records and dropped
// HEARTBEAT messages; other drops stay.
func TestEventLogHeartbeats(t *testing.T) {
	recs := []model.Record{
		{T: 15000000, Kind: model.KindHeartbeat, Framework: "f1", SeenBy: "framework"},
		{T: 30000000, Kind: model.KindMessageDropped, Type: "HEARTBEAT", From: "master", To: "framework/f1", Reason: "loss"},
		{T: 30000000, Kind: model.KindMessageDropped, Type: "OFFERS", From: "master", To: "framework/f1", Reason: "loss"},
	}
	lines := []string{
		`{"t":15000000,"kind":"heartbeat","framework":"f1","seen_by":"framework"}`,
		`{"t":30000000,"kind":"message_dropped","type":"HEARTBEAT","from":"master","to":"framework/f1","reason":"loss"}`,
		`{"t":30000000,"kind":"message_dropped","type":"OFFERS","from":"master","to":"framework/f1","reason":"loss"}`,
	}
	for _, tc := range []struct {
		on   bool
		want []string
	}{{false, lines[2:]}, {true, lines}} {
		var buf bytes.Buffer
		l := NewEventLog(&buf, nil).WithHeartbeats(tc.on)
		for i := range recs {
			l.Observe(&recs[i])
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if got, want := buf.String(), strings.Join(tc.want, "\n")+"\n"; got != want {
			t.Errorf("heartbeats %v:\n got %s\nwant %s", tc.on, got, want)
		}
	}
}

func TestEventLogEscapingMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\", "\x00\x1f\x7f", "é漢字🙂", "\u2028\u2029", "\xff\xfe", "a\xc3"} {
		b := appendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%q -> %s: %v", s, b, err)
			continue
		}
		want, _ := json.Marshal(s)
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q -> %s reads back %q, want %q", s, b, back, wantBack)
		}
	}
}

func TestEventLogNoHeaderAndFlushing(t *testing.T) {
	var buf bytes.Buffer
	l := NewEventLog(&buf, nil)
	r := model.Record{T: 5, Kind: model.KindAllocation, Cycle: 1, Agents: 1}
	line := `{"t":5,"kind":"allocation","cycle":1,"agents":1}` + "\n"
	n := 2 * flushAt / len(line)
	for range n {
		l.Observe(&r)
	}
	if buf.Len() == 0 {
		t.Error("nothing written before Close despite a full buffer")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if buf.String() != strings.Repeat(line, n) {
		t.Error("output differs from the repeated line")
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("disk full")
}

func TestEventLogWriteError(t *testing.T) {
	w := &failWriter{}
	l := NewEventLog(w, &Header{})
	r := model.Record{T: 5, Kind: model.KindAllocation}
	for range flushAt {
		l.Observe(&r)
	}
	if err := l.Close(); err == nil || err.Error() != "disk full" {
		t.Fatalf("Close = %v, want disk full", err)
	}
	if w.n != 1 {
		t.Errorf("%d writes after the first error, want none", w.n-1)
	}
}

func BenchmarkEventLog(b *testing.B) {
	recs := []model.Record{
		{T: 1, Kind: model.KindOffer, Offer: "o-123", Framework: "f1", Role: "r1", Agent: "agent-17", Resources: res("cpus:4;mem:4096;disk:1000")},
		{T: 2, Kind: model.KindTaskStatus, Task: "task-99", Framework: "f1", Agent: "agent-17", State: "TASK_RUNNING", Source: model.SourceExecutor, SeenBy: "master"},
	}
	l := NewEventLog(discard{}, nil)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.Observe(&recs[i&1])
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func ExampleNewEventLog() {
	l := NewEventLog(os.Stdout, &Header{Seed: 42, Scenario: "example", Version: "dev"})
	l.Observe(&model.Record{T: 0, Kind: model.KindAgentAdded, Agent: "a1",
		Resources: model.MustParseResources("cpus:2;mem:1024")})
	l.Observe(&model.Record{T: 0, Kind: model.KindFrameworkAdded, Framework: "f1", Role: "r1"})
	l.Observe(&model.Record{T: sim.Second, Kind: model.KindOffer, Offer: "o1", Framework: "f1",
		Role: "r1", Agent: "a1", Resources: model.MustParseResources("cpus:2;mem:1024")})
	l.Observe(&model.Record{T: sim.Second, Kind: model.KindOfferDeclined, Offer: "o1", Framework: "f1",
		Agent: "a1", RefuseSeconds: 5, Resources: model.MustParseResources("cpus:2;mem:1024")})
	if err := l.Close(); err != nil {
		panic(err)
	}
	// Output:
	// {"t":0,"kind":"header","seed":42,"scenario":"example","version":"dev"}
	// {"t":0,"kind":"agent_added","agent":"a1","resources":{"cpus":2,"mem":1024}}
	// {"t":0,"kind":"framework_added","framework":"f1","role":"r1"}
	// {"t":1000000,"kind":"offer","offer":"o1","framework":"f1","role":"r1","agent":"a1","resources":{"cpus":2,"mem":1024}}
	// {"t":1000000,"kind":"offer_declined","offer":"o1","framework":"f1","agent":"a1","refuse_seconds":5,"resources":{"cpus":2,"mem":1024}}
}

// If model.Record grows a field, the event log must learn it (in
// appendRecord, appendAllFields and docs/events.md); this test says so.
func TestRecordFieldsKnown(t *testing.T) {
	known := "T Kind Agent Framework Role Offer Task Job Resources Reason State Source SeenBy UUID UnreachableTime " +
		"RefuseSeconds Cycle Agents Tasks Weight Submitted Type From To Fault Invariant Detail"
	var names []string
	rt := reflect.TypeFor[model.Record]()
	for i := range rt.NumField() {
		names = append(names, rt.Field(i).Name)
	}
	if got := strings.Join(names, " "); got != known {
		t.Errorf("model.Record fields changed; update the event log writer and docs/events.md.\n got %s\nwant %s", got, known)
	}
}
