// Command mesosimfw is a small framework written against mesos-go's v1
// HTTP scheduler library (Debian's golang-github-mesos-mesos-go-dev,
// 0.0.6), with its JSON codec, for mesosim serve's real-peer test. It is
// built in GOPATH mode against the packaged library, unmodified.
//
// It subscribes, launches -tasks tasks one per offer, acknowledges every
// update, reconciles after every re-subscription, survives a master
// failover (the library re-subscribes with the framework ID), and tears
// down once every task has finished. It prints one line per event it
// handles.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/backoff"
	"github.com/mesos/mesos-go/api/v1/lib/encoding/codecs"
	"github.com/mesos/mesos-go/api/v1/lib/extras/scheduler/controller"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli"
	"github.com/mesos/mesos-go/api/v1/lib/httpcli/httpsched"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/events"
)

type framework struct {
	caller     calls.Caller
	id         string
	tasks      int
	launched   int
	finished   map[string]bool
	subscribed int
	cancel     func()
	tornDown   bool
}

func (f *framework) call(ctx context.Context, c *scheduler.Call) {
	resp, err := f.caller.Call(ctx, c.With(calls.Framework(f.id)))
	if resp != nil {
		resp.Close()
	}
	if err != nil {
		fmt.Printf("call %s: %v\n", c.GetType(), err)
	}
}

func scalar(name string, v float64) mesos.Resource {
	return mesos.Resource{Name: name, Type: mesos.SCALAR.Enum(), Scalar: &mesos.Value_Scalar{Value: v}}
}

func (f *framework) handle(ctx context.Context, e *scheduler.Event) error {
	switch e.GetType() {
	case scheduler.Event_SUBSCRIBED:
		f.id = e.GetSubscribed().GetFrameworkID().GetValue()
		f.subscribed++
		fmt.Printf("SUBSCRIBED %s (%d) heartbeat %.0fs\n", f.id, f.subscribed, e.GetSubscribed().GetHeartbeatIntervalSeconds())
		if f.subscribed > 1 {
			f.call(ctx, calls.Reconcile(calls.ReconcileTasks(nil)))
		}
	case scheduler.Event_OFFERS:
		offers := e.GetOffers().GetOffers()
		sort.Slice(offers, func(i, j int) bool { return offers[i].ID.Value < offers[j].ID.Value })
		for _, o := range offers {
			if f.launched >= f.tasks {
				f.call(ctx, calls.Decline(o.ID).With(calls.RefuseSeconds(time.Hour)))
				continue
			}
			f.launched++
			id := fmt.Sprintf("task-%d", f.launched)
			task := mesos.TaskInfo{
				Name:      id,
				TaskID:    mesos.TaskID{Value: id},
				AgentID:   o.AgentID,
				Resources: []mesos.Resource{scalar("cpus", 1), scalar("mem", 128)},
				Command:   &mesos.CommandInfo{Value: func() *string { s := "sleep 60"; return &s }()},
			}
			fmt.Printf("LAUNCH %s on %s\n", id, o.AgentID.Value)
			f.call(ctx, calls.Accept(calls.OfferOperations{calls.OpLaunch(task)}.WithOffers(o.ID)).With(calls.RefuseSeconds(time.Second)))
		}
	case scheduler.Event_UPDATE:
		st := e.GetUpdate().GetStatus()
		fmt.Printf("UPDATE %s %s\n", st.TaskID.Value, st.GetState())
		if uuid := st.GetUUID(); len(uuid) > 0 {
			f.call(ctx, calls.Acknowledge(st.GetAgentID().GetValue(), st.TaskID.Value, uuid))
		}
		if st.GetState() == mesos.TASK_FINISHED {
			f.finished[st.TaskID.Value] = true
		}
		if len(f.finished) == f.tasks && !f.tornDown {
			f.tornDown = true
			f.call(ctx, calls.Reconcile(calls.ReconcileTasks(nil)))
			fmt.Println("TEARDOWN")
			f.call(ctx, &scheduler.Call{Type: scheduler.Call_TEARDOWN})
			f.cancel()
		}
	case scheduler.Event_HEARTBEAT:
		fmt.Println("HEARTBEAT")
	default:
		fmt.Printf("%s\n", e.GetType())
	}
	return nil
}

func main() {
	url := flag.String("url", "http://127.0.0.1:5050/api/v1/scheduler", "the master's scheduler endpoint")
	name := flag.String("name", "mesos-go", "framework name")
	tasks := flag.Int("tasks", 3, "tasks to run")
	flag.Parse()
	ctx, cancel := context.WithCancel(context.Background())
	cl := httpcli.New(httpcli.Endpoint(*url), httpcli.Codec(codecs.ByMediaType[codecs.MediaTypeJSON]),
		httpcli.Do(httpcli.With(httpcli.Timeout(10*time.Second))))
	f := &framework{caller: httpsched.NewCaller(cl), tasks: *tasks, finished: map[string]bool{}, cancel: cancel}
	timeout := 3600.0
	checkpoint := true
	info := &mesos.FrameworkInfo{User: "mesosim", Name: *name, FailoverTimeout: &timeout, Checkpoint: &checkpoint}
	done := make(chan struct{})
	defer close(done)
	err := controller.Run(ctx, info, f.caller,
		controller.WithEventHandler(events.HandlerFunc(f.handle)),
		controller.WithFrameworkID(func() string { return f.id }),
		controller.WithRegistrationTokens(backoff.Notifier(200*time.Millisecond, time.Second, done)),
		controller.WithSubscriptionTerminated(func(err error) {
			if err != nil && ctx.Err() == nil {
				fmt.Printf("subscription ended: %v\n", err)
			}
		}))
	if err != nil && err != context.Canceled {
		fmt.Println("run:", err)
		os.Exit(1)
	}
	fmt.Println("DONE")
}
