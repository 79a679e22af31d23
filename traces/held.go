package traces

import "github.com/mesosim/mesosim/sim"

// asmTask is one task the assembler holds: waiting to be yielded (idx >=
// 0), or yielded and kept as a tombstone (gidx >= 0) so that its later rows
// are recognised. With the default look-ahead the Google reader holds
// every run of the sample at once (the snapshot's tasks hold the
// watermark at 0), so the type is kept small: 128 bytes, no strings
// besides its ID and job (the job a substring of an ID), the user an index
// in the assembler's users, the end a code; it becomes a Task when it is
// yielded. TestGoogleHeldCompact measures what a held task costs.
type asmTask struct {
	id  string // Task.ID: the task's ID in the trace, plus "#N" from its second run
	job string // Task.Job

	submit   sim.Time // Task.Submit
	duration sim.Time // Task.Duration
	start    sim.Time // SCHEDULE time; -1 before
	deadline sim.Time // the look-ahead runs out after this read position
	last     sim.Time // time of the task's latest row

	cpu, mem float64 // Task.CPU, Task.Mem

	keyLen     int32  // id[:keyLen] is the task's ID in the trace (key)
	run        int32  // run number: 1 for the first SUBMIT seen, 2 for the next, ...
	rows       int32  // rows seen, for DropUnscheduled
	idx        int32  // index in the waiting heap, -1 once yielded
	gidx       int32  // index in the tombstone heap, -1 when not there
	priority   int32  // Task.Priority
	schedClass int32  // Task.SchedClass
	user       uint32 // Task.User: index in assembler.users

	phase   asmPhase
	end     endCode // Task.End
	running bool    // Task.Running
	endSeen bool    // an end row (or an end after the window) was seen
	// prior says an earlier run of the same task is (or will be) yielded:
	// this run counts in Stats.Reruns.
	prior bool
	// void marks a run that is never yielded (it ended before it was
	// scheduled, or only its end was read): a tombstone that keeps the
	// run numbering going.
	void bool
	// superseded marks a run still waiting to be yielded after a later
	// run of its task took its place in the map: it is not kept as a
	// tombstone once yielded.
	superseded bool
}

// key is the task's ID in the trace (the ID without the run suffix).
func (s *asmTask) key() string { return s.id[:s.keyLen] }

// endCode is a Task.End in one byte.
type endCode uint8

// endNames are the Task.End values by endCode; 0 is "" (unknown).
var endNames = [...]string{"", EndFinish, EndFail, EndKill, EndEvict, EndLost}

// endOf returns the code of an end name (0 for one it does not know).
func endOf(kind string) endCode {
	for i, n := range endNames {
		if n == kind {
			return endCode(i)
		}
	}
	return 0
}

// task returns s as the Task the reader yields.
func (a *assembler) task(s *asmTask) Task {
	return Task{
		Submit: s.submit, Job: s.job, ID: s.id,
		Priority: int(s.priority), SchedClass: int(s.schedClass), User: a.users[s.user],
		CPU: s.cpu, Mem: s.mem, Duration: s.duration, Running: s.running, End: endNames[s.end],
	}
}

// userOf returns the index of user name b in a.users, adding it the first
// time (users are few: hundreds in the whole 29-day Google trace).
func (a *assembler) userOf(b []byte) uint32 {
	if i, ok := a.userIdx[string(b)]; ok {
		return i
	}
	u := string(b)
	i := uint32(len(a.users))
	a.users = append(a.users, u)
	a.userIdx[u] = i
	return i
}
