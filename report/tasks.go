package report

import (
	"bufio"
	"encoding/csv"
	"io"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/sim"
)

// TaskLog is an observer that keeps one row per task, as Batsim's jobs.csv
// does: its framework, role, job, submission, launch and end times, wait,
// agent and final state (the last state the master saw). Rows are in the
// order tasks first appear (submission, or launch for a task never
// submitted through a workload), so output never depends on map order.
type TaskLog struct {
	rows  []TaskRow
	index map[taskKey]int
	roles map[string]string // framework -> role
}

// TaskRow is one task of a TaskLog. Times are -1 when the event did not
// happen (yet).
type TaskRow struct {
	Framework, Role, Job, Task string
	Submit, Launch, End        sim.Time
	Agent, State               string
}

// NewTaskLog returns an empty task log.
func NewTaskLog() *TaskLog {
	return &TaskLog{index: map[taskKey]int{}, roles: map[string]string{}}
}

func (l *TaskLog) row(fw, task string) *TaskRow {
	k := taskKey{fw, task}
	i, ok := l.index[k]
	if !ok {
		i = len(l.rows)
		l.index[k] = i
		l.rows = append(l.rows, TaskRow{Framework: fw, Task: task, Submit: -1, Launch: -1, End: -1})
	}
	return &l.rows[i]
}

// Observe implements model.Observer.
func (l *TaskLog) Observe(r *model.Record) {
	switch r.Kind {
	case model.KindFrameworkAdded, model.KindOffer:
		if r.Role != "" {
			l.roles[r.Framework] = r.Role
		} else if _, ok := l.roles[r.Framework]; !ok {
			l.roles[r.Framework] = model.DefaultRole
		}
	case model.KindTaskSubmitted:
		t := l.row(r.Framework, r.Task)
		if t.Submit < 0 {
			t.Submit = r.T
		}
		if r.Job != "" {
			t.Job = r.Job
		}
	case model.KindTaskLaunched:
		t := l.row(r.Framework, r.Task)
		t.Launch, t.Agent, t.End = r.T, r.Agent, -1
		if t.Submit < 0 && r.Submitted >= 0 {
			t.Submit = r.Submitted
		}
		if r.Job != "" {
			t.Job = r.Job
		}
		t.State = "TASK_STAGING"
	case model.KindTaskStatus:
		if r.SeenBy != "master" {
			return
		}
		if _, ok := l.index[taskKey{r.Framework, r.Task}]; !ok {
			return
		}
		t := l.row(r.Framework, r.Task)
		t.State = r.State
		if terminal(r.State) {
			t.End = r.T
		}
	}
}

// Rows returns the rows, each with its framework's role filled in.
func (l *TaskLog) Rows() []TaskRow {
	for i := range l.rows {
		if role, ok := l.roles[l.rows[i].Framework]; ok {
			l.rows[i].Role = role
		} else {
			l.rows[i].Role = model.DefaultRole
		}
	}
	return l.rows
}

// TasksCSVHeader is the header line of WriteTasksCSV.
var TasksCSVHeader = []string{"framework", "role", "job", "task", "submit", "launch", "end", "wait", "agent", "state"}

// WriteTasksCSV writes rows as CSV: provenance comment lines (p may be
// nil), TasksCSVHeader, one line per task. Times and the wait are in
// seconds, empty where the event did not happen; state is empty for a
// task never launched nor ended.
func WriteTasksCSV(w io.Writer, rows []TaskRow, p *Provenance) error {
	bw := bufio.NewWriter(w)
	if err := p.writeComments(bw); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(TasksCSVHeader); err != nil {
		return err
	}
	opt := func(t sim.Time) string {
		if t < 0 {
			return ""
		}
		return usSeconds(t)
	}
	for i := range rows {
		r := &rows[i]
		wait := ""
		if r.Submit >= 0 && r.Launch >= 0 {
			wait = usSeconds(r.Launch - r.Submit)
		}
		if err := cw.Write([]string{r.Framework, r.Role, r.Job, r.Task, opt(r.Submit), opt(r.Launch), opt(r.End),
			wait, r.Agent, r.State}); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
