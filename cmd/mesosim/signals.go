package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals are the signals every long command (fuzz, compare) stops
// on, alike: no further simulation starts, the ones running finish, and
// the report covers what ran, marked incomplete.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// notifyStop registers c for the stop signals; tests replace it to deliver
// a signal without sending one to the process.
var notifyStop = func(c chan<- os.Signal) { signal.Notify(c, stopSignals...) }

// stopNotify undoes notifyStop: a second signal then has its default
// effect and ends the process at once.
var stopNotify = func(c chan<- os.Signal) { signal.Stop(c) }

// signalName is "SIGINT" or "SIGTERM".
func signalName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// interruptedError ends a command that a stop signal cut short, after its
// report: exit status 128 plus the signal's number (130 for SIGINT, 143
// for SIGTERM), whatever the report found.
type interruptedError struct {
	sig  os.Signal
	what string // what ran, e.g. "4 of 100 seeds run"
}

func (e interruptedError) Error() string {
	return fmt.Sprintf("interrupted by %s: the report is incomplete (%s)", signalName(e.sig), e.what)
}

// status is the exit status of the interrupted command.
func (e interruptedError) status() int {
	if e.sig == syscall.SIGTERM {
		return exitTerm
	}
	return exitInterrupt
}
