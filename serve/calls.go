package serve

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/scenarios"
	"github.com/mesosim/mesosim/sim"
)

func invalid(format string, args ...any) *httpError {
	e := fail(http.StatusBadRequest, format, args...)
	e.msg = "Failed to validate scheduler::Call: " + e.msg
	return e
}

// frameworkConfig is the model configuration of f's subscription with
// FrameworkInfo fi: role, checkpoint, failover_timeout and PARTITION_AWARE
// come from fi as in Mesos, the entry's values where fi has none or where
// the entry pins them.
func frameworkConfig(f *extFramework, fi *frameworkInfo) (model.FrameworkConfig, *httpError) {
	cfg := f.cfg
	var pin []string
	if f.spec != nil {
		cfg = externalConfig(f.spec)
		pin = f.spec.External.Pin
	}
	if !slices.Contains(pin, "role") {
		switch {
		case len(fi.Roles) > 1:
			return cfg, invalid("mesosim simulates one role per framework; framework_info.roles has %d", len(fi.Roles))
		case len(fi.Roles) == 1:
			cfg.Role = fi.Roles[0]
		case fi.Role != nil:
			cfg.Role = *fi.Role
		}
		if err := model.ValidateRole(cfg.Role); err != nil {
			return cfg, invalid("framework_info role: %v", err)
		}
	}
	if fi.Checkpoint != nil && !slices.Contains(pin, "checkpoint") {
		cfg.Checkpoint = *fi.Checkpoint
	}
	if fi.FailoverTimeout != nil && !slices.Contains(pin, "failover_timeout") {
		ft := *fi.FailoverTimeout
		if ft < 0 || ft > scenarios.MaxDuration.Seconds() {
			return cfg, invalid("framework_info.failover_timeout %v is out of range [0, %v]", ft, scenarios.MaxDuration.Seconds())
		}
		cfg.FailoverTimeout = sim.FromSeconds(ft)
	}
	if fi.Capabilities != nil && !slices.Contains(pin, "capabilities") {
		cfg.PartitionAware = false
		for _, c := range fi.Capabilities {
			if c.Type == "PARTITION_AWARE" {
				cfg.PartitionAware = true
			}
		}
	}
	return cfg, nil
}

// openStream validates a SUBSCRIBE, opens the framework's stream and
// queues the subscription. Called with s.mu held.
func (s *Server) openStream(c *wireCall) (*stream, *httpError) {
	if c.Subscribe == nil || c.Subscribe.FrameworkInfo == nil {
		return nil, invalid("Expecting 'subscribe' to be present")
	}
	fi := c.Subscribe.FrameworkInfo
	if c.FrameworkID != nil && (fi.ID == nil || fi.ID.Value != c.FrameworkID.Value) {
		return nil, invalid("'framework_id' differs from 'subscribe.framework_info.id'")
	}
	if err := checkID("framework_info.name", fi.Name); err != nil {
		return nil, invalid("%v", err)
	}
	f := s.fws[fi.Name]
	if f == nil {
		if !s.sim.Scenario.Serve.AdmitUnknown {
			return nil, fail(http.StatusForbidden, "mesosim: no framework entry with behavior external is named %q in scenario %s, and serve.admit_unknown is false", fi.Name, s.sim.Scenario.Name)
		}
		if s.w.Framework(fi.Name) != nil {
			return nil, fail(http.StatusForbidden, "mesosim: framework name %q belongs to a framework the scenario runs itself", fi.Name)
		}
		if len(s.fws) >= scenarios.MaxFrameworks {
			return nil, fail(http.StatusTooManyRequests, "mesosim: more than %d external frameworks", scenarios.MaxFrameworks)
		}
		f = &extFramework{name: fi.Name, rng: s.w.Streams().Get("external/" + fi.Name),
			cfg: model.FrameworkConfig{Name: fi.Name, Role: scenarios.DefaultRole, RefuseSeconds: scenarios.DefaultRefuseSeconds, External: true}}
		s.fws[fi.Name] = f
	}
	if fi.ID != nil && fi.ID.Value != f.name {
		return nil, invalid("framework_info.id %q is not this framework's ID: mesosim's framework IDs are the framework names (%q)", fi.ID.Value, f.name)
	}
	if f.torn {
		return nil, fail(http.StatusForbidden, "Framework %s has been removed", f.name)
	}
	cfg, e := frameworkConfig(f, fi)
	if e != nil {
		return nil, e
	}
	if f.stream == nil && s.open >= s.cfg.MaxStreams {
		return nil, fail(http.StatusTooManyRequests, "mesosim: %d event streams are open, the limit (--max-streams)", s.cfg.MaxStreams)
	}
	// A framework subscribing again while connected: Mesos closes the old
	// connection and keeps the new one.
	s.closeStream(f)
	f.streams++
	st := &stream{id: streamID(f.name, f.streams), fw: f, wake: make(chan struct{}, 1), closed: make(chan struct{})}
	f.stream = st
	f.gaveUp = false
	s.open++
	f.cfg = cfg
	withID := fi.ID != nil
	key, _ := json.Marshal(c)
	s.calls = append(s.calls, pending{fw: f.name, rank: rankSubscribe, key: string(key),
		rec: model.Record{Kind: model.KindFrameworkCall, Framework: f.name, Type: "SUBSCRIBE"}, apply: func() {
			if f.stream != st {
				return // closed again before it applied
			}
			if !f.added {
				f.added = true
				s.w.AddFramework(cfg, &bridge{s: s, f: f})
				return
			}
			s.w.ResubscribeFramework(cfg, withID)
		}})
	return st, nil
}

// call validates a call other than SUBSCRIBE against the state at this
// instant, as Master::Http::scheduler does, and queues it. Called with
// s.mu held.
func (s *Server) call(r *http.Request, c *wireCall) *httpError {
	if c.Type == "" {
		return invalid("Expecting 'type' to be present")
	}
	if c.Type == "UNKNOWN" {
		return fail(http.StatusNotImplemented, "Received 'UNKNOWN' call")
	}
	if c.FrameworkID == nil || c.FrameworkID.Value == "" {
		return invalid("Expecting 'framework_id' to be present")
	}
	f := s.fws[c.FrameworkID.Value]
	if f == nil || !f.added && f.stream == nil {
		return fail(http.StatusBadRequest, "Framework cannot be found")
	}
	if f.stream == nil {
		return fail(http.StatusForbidden, "Framework is not subscribed")
	}
	ids := r.Header.Values(streamHeader)
	if len(ids) == 0 {
		return fail(http.StatusBadRequest, "All non-subscribe calls should include the 'Mesos-Stream-Id' header")
	}
	if ids[0] != f.stream.id {
		return fail(http.StatusBadRequest, "The stream ID '%s' included in this request didn't match the stream ID currently associated with framework ID %s", ids[0], f.name)
	}
	if len(s.calls) >= s.cfg.MaxCalls {
		return fail(http.StatusTooManyRequests, "mesosim: %d calls are waiting for this instant, the limit (--max-calls)", s.cfg.MaxCalls)
	}
	p, e := s.prepare(f, c)
	if e != nil {
		return e
	}
	key, _ := json.Marshal(c)
	p.fw, p.key = f.name, string(key)
	p.rec.Kind, p.rec.Framework, p.rec.Type = model.KindFrameworkCall, f.name, c.Type
	if f.spec != nil {
		p.think += f.spec.Think.Base
	}
	s.calls = append(s.calls, p)
	return nil
}

// driverCall is a pending call that runs fn on f's driver.
func (s *Server) driverCall(f *extFramework, rank int, fn func(d model.Driver)) pending {
	return pending{rank: rank, apply: func() { s.w.CallFramework(f.name, fn) }}
}

func refuseSeconds(fl *filters) float64 {
	if fl == nil || fl.RefuseSeconds == nil {
		return -1 // Mesos's Filters default, 5 s
	}
	return *fl.RefuseSeconds
}

// prepare turns a validated call into what it does when it applies.
func (s *Server) prepare(f *extFramework, c *wireCall) (pending, *httpError) {
	switch c.Type {
	case "TEARDOWN":
		f.tearing = true
		return pending{rank: rankTeardown, apply: func() {
			if !f.torn {
				f.torn = true
				s.w.RemoveFramework(f.name)
				s.closeStream(f)
			}
		}}, nil
	case "ACCEPT":
		if c.Accept == nil {
			return pending{}, invalid("Expecting 'accept' to be present")
		}
		offers, e := offerIDs(c.Accept.OfferIDs)
		if e != nil {
			return pending{}, e
		}
		tasks, e := s.launches(f, c.Accept.Operations)
		if e != nil {
			return pending{}, e
		}
		refuse := refuseSeconds(c.Accept.Filters)
		p := s.driverCall(f, rankAccept, func(d model.Driver) { d.Accept(offers, s.taskInfos(f, tasks), refuse) })
		if f.spec != nil {
			p.think = f.spec.Think.PerTask * sim.Time(len(tasks))
		}
		p.rec.Detail = itoa(len(tasks)) + " tasks"
		return p, nil
	case "DECLINE":
		if c.Decline == nil {
			return pending{}, invalid("Expecting 'decline' to be present")
		}
		offers, e := offerIDs(c.Decline.OfferIDs)
		if e != nil {
			return pending{}, e
		}
		refuse := refuseSeconds(c.Decline.Filters)
		return s.driverCall(f, rankDecline, func(d model.Driver) { d.Decline(offers, refuse) }), nil
	case "REVIVE":
		return s.driverCall(f, rankRevive, func(d model.Driver) { d.Revive() }), nil
	case "SUPPRESS":
		return s.driverCall(f, rankSuppress, func(d model.Driver) { d.Suppress() }), nil
	case "KILL":
		if c.Kill == nil {
			return pending{}, invalid("Expecting 'kill' to be present")
		}
		task := c.Kill.TaskID.get()
		if err := checkID("kill.task_id", task); err != nil {
			return pending{}, invalid("%v", err)
		}
		p := s.driverCall(f, rankKill, func(d model.Driver) { d.Kill(task) })
		p.rec.Task = task
		return p, nil
	case "SHUTDOWN":
		// The model runs each task under its own command executor, whose
		// ExecutorID is the TaskID (src/launcher/executor.cpp): shutting
		// the executor down kills its task.
		if c.Shutdown == nil {
			return pending{}, invalid("Expecting 'shutdown' to be present")
		}
		ex := c.Shutdown.ExecutorID.get()
		if err := checkID("shutdown.executor_id", ex); err != nil {
			return pending{}, invalid("%v", err)
		}
		if err := checkID("shutdown.agent_id", c.Shutdown.AgentID.get()); err != nil {
			return pending{}, invalid("%v", err)
		}
		return s.driverCall(f, rankShutdown, func(d model.Driver) { d.Kill(ex) }), nil
	case "ACKNOWLEDGE":
		a := c.Acknowledge
		if a == nil {
			return pending{}, invalid("Expecting 'acknowledge' to be present")
		}
		if err := checkID("acknowledge.agent_id", a.AgentID.get()); err != nil {
			return pending{}, invalid("%v", err)
		}
		if err := checkID("acknowledge.task_id", a.TaskID.get()); err != nil {
			return pending{}, invalid("%v", err)
		}
		u, err := decodeUUID(a.UUID)
		if err != nil {
			return pending{}, invalid("%v", err)
		}
		st := model.TaskStatus{Task: a.TaskID.get(), Agent: a.AgentID.get(), Framework: f.name, UUID: u}
		p := s.driverCall(f, rankAcknowledge, func(d model.Driver) { d.Acknowledge(st) })
		p.rec.Task, p.rec.Agent, p.rec.UUID = st.Task, st.Agent, u
		return p, nil
	case "RECONCILE":
		if c.Reconcile == nil {
			return pending{}, invalid("Expecting 'reconcile' to be present")
		}
		if len(c.Reconcile.Tasks) > maxReconcileTasks {
			return pending{}, invalid("reconcile: %d tasks, more than the limit of %d", len(c.Reconcile.Tasks), maxReconcileTasks)
		}
		var refs []model.TaskRef
		for _, t := range c.Reconcile.Tasks {
			if err := checkID("reconcile.tasks.task_id", t.TaskID.get()); err != nil {
				return pending{}, invalid("%v", err)
			}
			refs = append(refs, model.TaskRef{Task: t.TaskID.get(), Agent: t.AgentID.get()})
		}
		p := s.driverCall(f, rankReconcile, func(d model.Driver) { d.Reconcile(refs) })
		p.rec.Detail = "implicit"
		if len(refs) > 0 {
			p.rec.Detail = "explicit: " + itoa(len(refs)) + " tasks"
		}
		return p, nil
	case "MESSAGE", "ACCEPT_INVERSE_OFFERS", "DECLINE_INVERSE_OFFERS":
		// No executor receives framework messages in the model, and it
		// has no inverse offers: accepted and dropped.
		return pending{rank: rankMessage, apply: func() {}}, nil
	case "REQUEST":
		// Master::request hands the request to the allocator, which
		// ignores it (HierarchicalAllocatorProcess::requestResources).
		return pending{rank: rankRequest, apply: func() {}}, nil
	case "SUBSCRIBE":
		return pending{}, invalid("SUBSCRIBE is handled apart") // not reached: handleScheduler routes it
	}
	return pending{}, fail(http.StatusBadRequest, "Failed to convert JSON into Call protobuf: mesosim does not simulate call type %q", c.Type)
}

func offerIDs(vs []value) ([]string, *httpError) {
	if len(vs) > maxOffersPerCall {
		return nil, invalid("%d offer_ids, more than the limit of %d", len(vs), maxOffersPerCall)
	}
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if err := checkID("offer_ids", v.Value); err != nil {
			return nil, invalid("%v", err)
		}
		out = append(out, v.Value)
	}
	return out, nil
}
