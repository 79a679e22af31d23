package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/mesosim/mesosim/internal/fsio"
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

// exitOnStop makes a stop signal end a command that cannot stop part-way
// (run, trace convert: one simulation or stream, nothing to report
// incomplete): the temporary files of its outputs are removed, so nothing
// is left half-written, stderr says so, and the process exits with 128
// plus the signal's number. The returned function undoes it.
func exitOnStop(stderr io.Writer, what string) func() {
	c := make(chan os.Signal, 1)
	notifyStop(c)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-c:
			fsio.RemoveTemps()
			fmt.Fprintf(stderr, "mesosim: %s interrupted by %s: stopped, no output file written\n", what, signalName(sig))
			os.Exit(interruptedError{sig: sig}.status())
		case <-done:
		}
	}()
	return func() {
		stopNotify(c)
		close(done)
	}
}
