// Package serve puts the Mesos v1 scheduler HTTP API (JSON over HTTP, the
// SUBSCRIBE stream in RecordIO) in front of a simulated master, so that an
// unmodified framework, usually through a client library, runs against
// the simulated cluster with its faults and invariant checkers.
//
// It sits above the core: wall-clock time, goroutines and sockets live
// here and never in sim, model or policies. One goroutine owns the
// simulation; HTTP handlers reach it under a mutex. Virtual time moves in
// lock-step with the outside frameworks: the loop runs until it has events
// for one, delivers everything due at that instant, freezes until every
// external framework is quiet, then applies the calls that arrived, in a
// canonical order (see docs/serve.md).
//
// The protocol follows apache/mesos include/mesos/v1/scheduler/scheduler.proto,
// include/mesos/v1/mesos.proto, docs/scheduler-http-api.md, docs/recordio.md
// and the Master::Http::scheduler handler in src/master/http.cpp. The
// package translates wire calls into the model's driver calls and back; it
// holds no Mesos logic of its own beyond the HTTP handler's checks.
package serve
