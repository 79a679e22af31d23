package policies

import "github.com/mesosim/mesosim/model"

// Failure implements model.Scheduler.
func (nopCallbacks) Failure(model.Driver, string) {}

// Error implements model.Scheduler.
func (nopCallbacks) Error(model.Driver, string) {}
