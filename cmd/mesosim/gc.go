package main

import (
	"os"
	"runtime/debug"
)

// Garbage collector settings for commands that run many small
// simulations one after another (fuzz): each run's heap is small and
// short-lived, so the collector's default pace (GOGC=100) spends a
// quarter of their CPU re-marking the same few megabytes. fuzzGCPercent
// lets the heap grow to five times what is live between collections;
// fuzzMemoryLimit is the soft limit that makes the collector work harder
// again if the runs' heaps together come near it. Measured on
// reconciliation-under-loss --swarm --seeds 400 (docs/speed-notes.md):
// 1.3x fewer CPU-seconds, 27 MB -> 48 MB peak RSS.
const (
	fuzzGCPercent   = 400
	fuzzMemoryLimit = 4 << 30
)

// tuneGCForManyRuns applies the settings above unless the user set GOGC
// or GOMEMLIMIT, which then win. It changes nothing a run computes.
func tuneGCForManyRuns() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(fuzzGCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(fuzzMemoryLimit)
	}
}
