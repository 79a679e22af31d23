// Package myframework stands in for a framework author's own scheduler:
// here mesosim's reconciling behaviour with a small workload.
package myframework

import (
	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/simtest"
)

// NewScheduler returns the framework's scheduler.
func NewScheduler() model.Scheduler { return simtest.Behavior("reconciling")() }
