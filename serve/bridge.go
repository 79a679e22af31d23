package serve

import (
	"encoding/binary"
	"net"
	"strconv"

	"github.com/mesosim/mesosim/model"
)

// bridge is an external framework's model.Scheduler: each callback of the
// driver becomes an event on the framework's stream. It runs on the
// simulation's goroutine, with s.mu held.
type bridge struct {
	s *Server
	f *extFramework
}

// Subscribed implements model.Scheduler: SUBSCRIBED.
func (b *bridge) Subscribed(d model.Driver) {
	var ev eventSubscribed
	ev.Type = "SUBSCRIBED"
	ev.Subscribed.FrameworkID = value{b.f.name}
	ev.Subscribed.HeartbeatIntervalSeconds = model.HeartbeatInterval.Seconds()
	ev.Subscribed.MasterInfo = b.s.masterInfo()
	b.s.enqueue(b.f, ev)
}

// Offers implements model.Scheduler: OFFERS.
func (b *bridge) Offers(d model.Driver, offers []model.OfferOut) {
	var ev eventOffers
	ev.Type = "OFFERS"
	ev.Offers.Offers = make([]offerJSON, 0, len(offers))
	for _, o := range offers {
		host := b.s.hostOf(o.Agent)
		ev.Offers.Offers = append(ev.Offers.Offers, offerJSON{
			ID: value{o.ID}, FrameworkID: value{b.f.name}, AgentID: value{o.Agent}, Hostname: host,
			URL:            urlJSON{Scheme: "http", Address: address{Hostname: host, IP: "127.0.0.1", Port: 5051}, Path: "/slave(1)"},
			AllocationInfo: allocationInf{Role: o.Role},
			Resources:      wireResources(o.Resources, o.Role),
			Attributes:     []struct{}{},
			ExecutorIDs:    []value{},
		})
	}
	b.s.enqueue(b.f, ev)
}

// Rescind implements model.Scheduler: RESCIND.
func (b *bridge) Rescind(d model.Driver, offer string) {
	var ev eventRescind
	ev.Type = "RESCIND"
	ev.Rescind.OfferID = value{offer}
	b.s.enqueue(b.f, ev)
}

// Update implements model.Scheduler: UPDATE, with the uuid only on
// reliable updates (the framework acknowledges those).
func (b *bridge) Update(d model.Driver, st model.TaskStatus) {
	var ev eventUpdate
	ev.Type = "UPDATE"
	js := statusJSON{TaskID: value{st.Task}, State: st.State.String(), Source: st.Source, Reason: st.Reason,
		Timestamp: d.Now().Seconds()}
	if st.Agent != "" {
		js.AgentID = &value{st.Agent}
	}
	if st.UUID != 0 {
		js.UUID = encodeUUID(st.UUID)
	}
	if st.UnreachableTime != 0 {
		js.UnreachableTime = &struct {
			Nanoseconds int64 `json:"nanoseconds"`
		}{Nanoseconds: int64(st.UnreachableTime) * 1000}
	}
	ev.Update.Status = js
	b.s.enqueue(b.f, ev)
}

// Failure implements model.Scheduler: FAILURE of an agent.
func (b *bridge) Failure(d model.Driver, agent string) {
	var ev eventFailure
	ev.Type = "FAILURE"
	ev.Failure.AgentID = value{agent}
	b.s.enqueue(b.f, ev)
}

// Error implements model.Scheduler: ERROR; the master refused the
// framework for good.
func (b *bridge) Error(d model.Driver, message string) {
	var ev eventError
	ev.Type = "ERROR"
	ev.Error.Message = message
	b.s.enqueue(b.f, ev)
	b.f.torn = true
}

// Heartbeat implements model.HeartbeatScheduler: the master's HEARTBEAT
// (model.Master's heartbeater, as Mesos's Framework::heartbeat) goes on
// the stream as it arrives, in virtual time and through the network's
// faults like any other event.
func (b *bridge) Heartbeat(d model.Driver) {
	b.s.enqueue(b.f, eventHeartbeat{Type: "HEARTBEAT"})
}

// masterInfo is the leading master's MasterInfo.
func (s *Server) masterInfo() masterInfo {
	host, portText, _ := net.SplitHostPort(s.Addr())
	port, _ := strconv.Atoi(portText)
	var ip uint32
	if v4 := net.ParseIP(host).To4(); v4 != nil {
		ip = binary.LittleEndian.Uint32(v4) // MasterInfo.ip is in network order, read as a little-endian uint32
	}
	return masterInfo{ID: "mesosim-master-" + itoa(s.elected), IP: ip, Port: uint32(port), Hostname: host,
		Version: MesosVersion, Address: address{Hostname: host, IP: host, Port: port}}
}

// hostOf returns the host name of the agent with ID id.
func (s *Server) hostOf(id string) string {
	for _, name := range s.w.AgentNames() {
		if a := s.w.Agent(name); a.ID() == id {
			return name
		}
	}
	return id
}
