package model

// TaskState is a Mesos task state.
type TaskState uint8

// The Mesos task states (mesos.proto).
const (
	TaskStaging TaskState = iota
	TaskStarting
	TaskRunning
	TaskKilling
	TaskFinished
	TaskFailed
	TaskKilled
	TaskError
	TaskLost
	TaskDropped
	TaskUnreachable
	TaskGone
	TaskGoneByOperator
	TaskUnknown
)

var taskStateNames = [...]string{
	"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING",
	"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST",
	"TASK_DROPPED", "TASK_UNREACHABLE", "TASK_GONE", "TASK_GONE_BY_OPERATOR",
	"TASK_UNKNOWN",
}

// String returns the Mesos name, e.g. TASK_RUNNING.
func (s TaskState) String() string {
	if int(s) < len(taskStateNames) {
		return taskStateNames[s]
	}
	return "TASK_INVALID"
}

// Terminal reports whether Mesos counts s as terminal (FINISHED, FAILED,
// KILLED, ERROR, LOST, DROPPED, GONE, GONE_BY_OPERATOR).
func (s TaskState) Terminal() bool {
	switch s {
	case TaskFinished, TaskFailed, TaskKilled, TaskError, TaskLost,
		TaskDropped, TaskGone, TaskGoneByOperator:
		return true
	}
	return false
}

// Live reports whether s means the task runs or is about to: STAGING,
// STARTING, RUNNING or KILLING.
func (s TaskState) Live() bool {
	return s == TaskStaging || s == TaskStarting || s == TaskRunning || s == TaskKilling
}

// Definitive reports whether s is a terminal state a task never leaves:
// terminal, but not LOST or GONE_BY_OPERATOR, which may be followed by
// RUNNING (the agent was only partitioned, or the operator was wrong).
func (s TaskState) Definitive() bool {
	return s.Terminal() && s != TaskLost && s != TaskGoneByOperator
}

// Update sources and reasons used by the model (mesos.proto names).
const (
	SourceMaster   = "SOURCE_MASTER"
	SourceAgent    = "SOURCE_SLAVE"
	SourceExecutor = "SOURCE_EXECUTOR"

	ReasonFrameworkRemoved  = "REASON_FRAMEWORK_REMOVED"
	ReasonAgentRemoved      = "REASON_SLAVE_REMOVED"
	ReasonRemovedByOperator = "REASON_SLAVE_REMOVED_BY_OPERATOR"
	ReasonAgentDisconnected = "REASON_SLAVE_DISCONNECTED"
	ReasonInvalidOffers     = "REASON_INVALID_OFFERS"
	ReasonTaskKilled        = "REASON_TASK_KILLED_DURING_LAUNCH"
	ReasonReregistered      = "REASON_SLAVE_REREGISTERED"
	ReasonReconciliation    = "REASON_RECONCILIATION"
	ReasonTaskUnknown       = "REASON_TASK_UNKNOWN"
	ReasonAgentRestarted    = "REASON_SLAVE_RESTARTED"
	ReasonExecutorTerm      = "REASON_EXECUTOR_TERMINATED"
)
