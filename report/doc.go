// Package report holds mesosim's observers of the record stream: the JSONL
// event log (EventLog, docs/events.md) and the run summary (Summary and its
// Result as a table, JSON or CSV, docs/summary.md). Observers never change
// the simulation, and their output never depends on map iteration order.
package report
