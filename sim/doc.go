// Package sim is mesosim's deterministic discrete-event engine: integer
// microsecond time, an event queue ordered by (time, seq), named random
// streams derived from one root seed, and the simulated network that is the
// only path for messages between actors.
//
// Nothing in this package reads the wall clock, starts a goroutine or uses a
// global random source: one seed and one input give one history.
package sim
