// Package scenarios decodes and validates scenario files (the YAML language
// described in docs and in the design note "scenario-and-log"). The result
// is a plain, fully validated Scenario value: names resolved, defaults
// applied, counts expanded and the timeline sorted. Nothing here wires a
// simulation; that is the builder's job.
package scenarios

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// Event kinds: the action keys of a timeline entry.
const (
	KindAddAgent        = "add_agent"
	KindRemoveAgent     = "remove_agent"
	KindAddFramework    = "add_framework"
	KindRemoveFramework = "remove_framework"
	KindDecline         = "decline"
	KindRelease         = "release"
	KindSuppress        = "suppress"
	KindRevive          = "revive"
	KindSetWeight       = "set_weight"
	KindSetQuota        = "set_quota"
	// KindMarkAgentGone is the operator's markAgentGone: the agent is gone
	// for good (its tasks GONE_BY_OPERATOR or LOST) and may not re-register.
	KindMarkAgentGone = "mark_agent_gone"

	// Fault actions (see FaultsSpec for the faults section).
	KindCrashAgent        = "crash_agent"
	KindRestartAgent      = "restart_agent"
	KindMasterFailover    = "master_failover"
	KindFrameworkFailover = "framework_failover"
	KindPartition         = "partition"
	KindHeal              = "heal"
)

// Distribution kinds for workload parameters.
const (
	DistConstant    = "constant"
	DistUniform     = "uniform"
	DistExponential = "exponential"
)

// Defaults applied when a key is absent.
const (
	DefaultSeed               uint64   = 1
	DefaultAllocationInterval sim.Time = sim.Second
	DefaultRefuseSeconds      float64  = 5 // Mesos's Filters.refuse_seconds default
	DefaultRole                        = "*"
)

// DefaultMinAllocatable is the text of Mesos's default minimum allocatable
// resources (--min_allocatable_resources): each entry is one AND-set, and an
// offer is made if any one of them is satisfied.
var DefaultMinAllocatable = []string{"cpus:0.01", "mem:32"}

// Limits on what a scenario may ask for. Exceeding any one is an error that
// names the limit.
const (
	MaxFileSize = 64 << 20 // bytes
	MaxNodes    = 1_000_000
	MaxAgents   = 100_000 // expanded, including timeline add_agent
	// MaxRegistryAgentCount bounds master.registry_max_agent_count.
	MaxRegistryAgentCount = 1_000_000_000
	MaxFrameworks         = 10_000 // expanded, including timeline add_framework
	MaxTimeline           = 1_000_000
	MaxCount              = 100_000
	MaxDuration           = 365 * 24 * sim.Hour
	MaxNameLength         = 256
	MaxJobsLimit          = 1_000_000
	MaxTasksPerJob        = 100_000
	MaxThinkTime          = sim.Hour // each part of a framework's think_time
	MaxFaultRules         = 1000     // faults.network rules
	MaxPartitions         = 1000     // faults.partitions and timeline partition entries together
)

// Capabilities a framework may declare (Mesos FrameworkInfo.Capability
// names, lowercased).
var Capabilities = []string{
	"gpu_resources",
	"multi_role",
	"partition_aware",
	"region_aware",
	"reservation_refinement",
}

// WorkloadBehaviors are the behaviours that run a workload section's job
// stream: workload, and naive and reconciling (workload with the fault
// tolerance of a naive or a reconciling scheduler).
var WorkloadBehaviors = []string{"workload", "naive", "reconciling"}

// Scenario is a decoded, validated scenario file.
type Scenario struct {
	File     string
	Name     string
	Seed     uint64
	Duration sim.Time

	Master  MasterSpec
	Network NetworkSpec

	// Faults is the faults section and the checker settings that follow
	// from it (always set, also without a section).
	Faults FaultsSpec

	Agents     []AgentSpec     // count expanded, file order; added at t=0
	Frameworks []FrameworkSpec // count expanded, file order; subscribe at t=0 after the agents
	Timeline   []Event         // stably sorted by At (ties keep file order)
	// Trace is the trace section (nil: no replay).
	Trace *TraceSpec
	// Serve is the serve section (mesosim serve only).
	Serve ServeSpec
}

// MasterSpec configures the master and its allocator.
type MasterSpec struct {
	Allocator           string   // default "drf"
	AllocationInterval  sim.Time // default 1s; > 0
	MinAllocatable      []model.Resources
	FairSharingExcluded []string
	OfferTimeout        sim.Time // 0 = offers never expire
	// AgentReregisterTimeout is agent_reregister_timeout (default and
	// minimum 10 min); RegistryGCInterval, RegistryMaxAgentAge and
	// RegistryMaxAgentCount configure the registry GC (defaults 15 min,
	// 14 days, 102400).
	AgentReregisterTimeout sim.Time
	RegistryGCInterval     sim.Time
	RegistryMaxAgentAge    sim.Time
	RegistryMaxAgentCount  int
	Weights                map[string]float64 // role -> weight (> 0)
	WeightRoles            []string           // sorted keys of Weights
	// Quota is the initial quota of top-level roles ("*" included); every
	// guarantee is at most the limit of the same name where both are set.
	Quota      map[string]model.Quota
	QuotaRoles []string // sorted keys of Quota
	// Capacity is the capacity queue of each role (allocator capacity
	// only): 0 <= Capacity <= MaxCapacity <= 1, capacities summing to at
	// most 1.
	Capacity      map[string]model.Capacity
	CapacityRoles []string // sorted keys of Capacity
}

// NetworkSpec configures the simulated network.
type NetworkSpec struct {
	Delay sim.Time
}

// AgentSpec is one agent (after count expansion).
type AgentSpec struct {
	Name      string
	Resources model.Resources
	Line      int // of the entry; 0 when an override wrote it
}

// FrameworkSpec is one framework (after count expansion).
type FrameworkSpec struct {
	Name     string
	Role     string // default "*"
	Behavior string
	// RefuseSeconds is the filter passed when declining (default 5; a
	// negative value is normalised to 5, as Mesos does).
	RefuseSeconds float64
	Capabilities  []string
	Workload      *WorkloadSpec // non-nil iff WorkloadBehaviors holds Behavior
	// MinAllocatable is the framework's own minimum allocatable resources
	// (Mesos FrameworkInfo.offer_filters): nil keeps the master's, an empty
	// non-nil list means anything is allocatable.
	MinAllocatable []model.Resources
	// Think is how long the framework holds an offer before answering it.
	Think ThinkTime
	// SuppressWhenIdle: suppress while there is nothing to launch, revive
	// when work arrives (workload behaviours only).
	SuppressWhenIdle bool
	// Checkpoint is Mesos FrameworkInfo.checkpoint (default false): the
	// framework's tasks survive an agent restart.
	Checkpoint bool
	// FailoverTimeout is Mesos FrameworkInfo.failover_timeout (default 0):
	// how long the master waits for a disconnected scheduler before it
	// removes the framework and kills its tasks.
	FailoverTimeout sim.Time
	// External is set iff Behavior is external: the entry's task_duration
	// and task_failure_rate.
	External *ExternalSpec
	Line     int // of the entry; 0 when an override wrote it
}

// ThinkTime is a framework's decision time per offer: Base, plus PerTask
// for every task it launches from the offer. Each part is at most
// MaxThinkTime.
type ThinkTime struct {
	Base    sim.Time
	PerTask sim.Time
}

// Dist is a distribution. Constant uses Value; uniform uses Min and Max;
// exponential uses Mean, with Min and Max as optional clamps (0 = none).
// For duration-valued distributions every field is in seconds.
type Dist struct {
	Kind                  string
	Value, Min, Max, Mean float64
}

// WorkloadSpec parameterises the synthetic job generator of the workload
// behaviour.
type WorkloadSpec struct {
	Interarrival Dist     // seconds between job arrivals; exponential = Poisson arrivals
	TasksPerJob  Dist     // integers >= 1; default constant 1
	TaskCPUs     Dist     // cpus per task, > 0
	TaskMem      Dist     // MB per task, > 0
	TaskDuration Dist     // seconds
	MaxJobs      int      // 0 = until the horizon
	Start        sim.Time // first arrival not before this
}

// Event is one timeline entry (add_agent and add_framework with a count
// are expanded into several events at the same instant).
type Event struct {
	At   sim.Time
	Line int // of the entry; 0 when an override wrote it
	Kind string

	Agent     *AgentSpec     // add_agent
	Framework *FrameworkSpec // add_framework

	// Name is the agent (remove_agent) or framework (remove_framework,
	// suppress, revive) the event is about.
	Name string

	FrameworkName, AgentName string // decline, release

	// RefuseSeconds is the decline filter; when the entry gives none
	// (HasRefuse false) it is the framework's refuse_seconds.
	RefuseSeconds float64
	HasRefuse     bool

	Role   string      // set_weight, set_quota
	Weight float64     // set_weight
	Quota  model.Quota // set_quota; a zero Quota removes the role's quota

	// Fault actions. Name is the agent (crash_agent, restart_agent), the
	// framework (framework_failover) or the partition (heal).
	Reboot bool // restart_agent: the host rebooted; the agent registers as a new agent
	// Delay is master_failover's election delay and framework_failover's
	// down time (the scheduler reconnects at At+Delay).
	Delay sim.Time
	// Partition is what a partition entry adds at At: Start is At, Heal is
	// At+heal_after (0 without heal_after: until a heal entry or heal_at).
	Partition *sim.Partition
}
