package model

import (
	"slices"
	"strings"
)

// taskViewCache keeps the master's view of its tasks (Tasks) up to date
// between calls: the sorted views of the last call, and the (framework,
// task) keys whose task was added, forgotten or changed state since (a
// task's framework, ID and agent never change). A call patches the views
// of those keys from the master's frameworks, which costs a sort of the
// touched keys and a merge, not a sort of every task. When too many keys
// were touched (or none was ever built), it rebuilds.
type taskViewCache struct {
	views   []TaskView
	touched []viewKey
	built   bool
}

// viewKey names one task of one framework.
type viewKey struct{ framework, task string }

// changed notes that a framework's task was added or forgotten or changed
// state.
func (c *taskViewCache) changed(framework, task string) {
	if !c.built {
		return
	}
	if len(c.touched) > len(c.views)/2+1024 {
		// Cheaper to rebuild, and the keys must not pile up in a run
		// that never asks for the views.
		c.built, c.touched = false, nil
		return
	}
	c.touched = append(c.touched, viewKey{framework, task})
}

// Tasks returns the master's view of its tasks (the tasks of its
// frameworks), sorted by framework and task; nil when it holds none. The
// caller owns the slice.
func (m *Master) Tasks() []TaskView {
	c := &m.taskViews
	if !c.built {
		c.views = m.buildTaskViews(c.views[:0])
		c.built = true
	} else if len(c.touched) > 0 {
		c.views = m.patchTaskViews(c.views, c.touched)
		clear(c.touched)
		c.touched = c.touched[:0]
	}
	if len(c.views) == 0 {
		return nil
	}
	return slices.Clone(c.views)
}

// masterTask returns the task of framework named task, or nil.
func (m *Master) masterTask(framework, task string) *masterTask {
	if f := m.frameworks[framework]; f != nil {
		return f.tasks[task]
	}
	return nil
}

// buildTaskViews appends the view of every task of every framework to
// out, sorted by framework and task.
func (m *Master) buildTaskViews(out []TaskView) []TaskView {
	clear(out[:cap(out)])
	for name, f := range m.frameworks {
		for id, t := range f.tasks {
			out = append(out, TaskView{Framework: name, Task: id, Agent: t.agent, State: t.state})
		}
	}
	// (framework, task) is unique: the order does not depend on the maps'.
	slices.SortFunc(out, cmpViews)
	return out
}

// patchTaskViews brings sorted views up to date for the touched keys: a
// key whose task is gone leaves, one whose task is new comes in at its
// place, and the others take their task's current state.
func (m *Master) patchTaskViews(views []TaskView, touched []viewKey) []TaskView {
	slices.SortFunc(touched, cmpKeys)
	touched = slices.Compact(touched)
	var added []TaskView
	var gone []int // indexes in views, increasing (touched is sorted)
	for _, k := range touched {
		t := m.masterTask(k.framework, k.task)
		i, found := slices.BinarySearchFunc(views, k, cmpViewKey)
		switch {
		case found && t == nil:
			gone = append(gone, i)
		case found:
			views[i].Agent, views[i].State = t.agent, t.state
		case t != nil:
			added = append(added, TaskView{Framework: k.framework, Task: k.task, Agent: t.agent, State: t.state})
		}
	}
	if len(gone) > 0 {
		views = dropIndexes(views, gone)
	}
	if len(added) == 0 {
		return views
	}
	// added is sorted (touched was): merge it in from the back.
	n := len(views)
	views = slices.Grow(views, len(added))[:n+len(added)]
	i, j := n-1, len(added)-1
	for k := len(views) - 1; j >= 0; k-- {
		if i >= 0 && cmpViews(views[i], added[j]) > 0 {
			views[k] = views[i]
			i--
		} else {
			views[k] = added[j]
			j--
		}
	}
	return views
}

// dropIndexes removes the entries at the increasing indexes gone.
func dropIndexes(views []TaskView, gone []int) []TaskView {
	w := gone[0]
	for g, i := range gone {
		end := len(views)
		if g+1 < len(gone) {
			end = gone[g+1]
		}
		w += copy(views[w:], views[i+1:end])
	}
	clear(views[w:])
	return views[:w]
}

func cmpViews(a, b TaskView) int {
	if c := strings.Compare(a.Framework, b.Framework); c != 0 {
		return c
	}
	return strings.Compare(a.Task, b.Task)
}

func cmpKeys(a, b viewKey) int {
	if c := strings.Compare(a.framework, b.framework); c != 0 {
		return c
	}
	return strings.Compare(a.task, b.task)
}

func cmpViewKey(v TaskView, k viewKey) int {
	if c := strings.Compare(v.Framework, k.framework); c != 0 {
		return c
	}
	return strings.Compare(v.Task, k.task)
}
