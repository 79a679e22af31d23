package model

import "github.com/mesosim/mesosim/sim"

// Record kinds: what happened. They are the `kind` values of the JSONL event
// log (docs/events.md lists their fields).
const (
	KindAgentAdded         = "agent_added"
	KindAgentRemoved       = "agent_removed"
	KindAgentDisconnected  = "agent_disconnected"
	KindAgentReconnected   = "agent_reconnected"
	KindAgentPruned        = "agent_pruned"
	KindFrameworkAdded     = "framework_added"
	KindFrameworkRemoved   = "framework_removed"
	KindFrameworkSuppress  = "framework_suppressed"
	KindFrameworkRevive    = "framework_revived"
	KindWeightSet          = "weight_set"
	KindQuotaSet           = "quota_set"
	KindAllocation         = "allocation"
	KindOffer              = "offer"
	KindOfferDeclined      = "offer_declined"
	KindOfferAccepted      = "offer_accepted"
	KindOfferRescinded     = "offer_rescinded"
	KindTaskSubmitted      = "task_submitted"
	KindTaskLaunched       = "task_launched"
	KindTaskStatus         = "task_status"
	KindHeartbeat          = "heartbeat"
	KindMessageDropped     = "message_dropped"
	KindFault              = "fault"
	KindInvariantViolation = "invariant_violated"
	// KindFrameworkCall is a call an external framework made (mesosim
	// serve), as it applies: Type is the call, Task, Agent and UUID what
	// it names (an ACKNOWLEDGE's update, a KILL's task).
	KindFrameworkCall = "framework_call"
)

// Record is one typed entry of the simulation's event stream. Only the
// fields that belong to Kind are meaningful; the event log writes exactly
// those, in a fixed order per kind.
type Record struct {
	T    sim.Time
	Kind string

	Agent     string
	Framework string
	Role      string
	Offer     string
	Task      string
	Job       string // task_submitted, task_launched: the task's job, if any
	Resources Resources

	Reason string
	State  string // Mesos task state name, e.g. TASK_RUNNING
	Source string // SOURCE_MASTER, SOURCE_AGENT, SOURCE_EXECUTOR
	SeenBy string // agent, master or framework
	UUID   uint64 // task_status: the update's UUID (0 for the master's own)
	// UnreachableTime is task_status's unreachable_time (0: none).
	UnreachableTime sim.Time

	RefuseSeconds float64  // offer_declined: the filter asked for
	Cycle         int64    // allocation: the cycle number, from 1
	Agents        int      // allocation: agents considered
	Tasks         int      // offer_accepted: tasks launched from the offer
	Weight        float64  // weight_set
	Submitted     sim.Time // task_launched: when the task was submitted; -1 if unknown

	Type string // message_dropped: the Mesos message name
	From string // message_dropped: sender address
	To   string // message_dropped: receiver address

	Fault     string // fault: partition, heal, agent_crash, ...
	Invariant string // invariant_violated: which invariant
	Detail    string // invariant_violated: what broke
}

// Observer receives every record in the order the simulation produced it.
// Observers must not change the simulation, nor keep r (or the Record it
// points to) after Observe returns: the master reuses it for its next
// record. Copy what is needed (*r, or its fields).
type Observer interface {
	Observe(r *Record)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(r *Record)

// Observe calls f(r).
func (f ObserverFunc) Observe(r *Record) { f(r) }
