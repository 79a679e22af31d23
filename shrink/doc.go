// Package shrink searches for a smaller scenario that still breaks the
// same invariant: the reproducer `mesosim fuzz --shrink` writes.
//
// It starts from an explicit scenario (scenarios.Explicit: the seed set and
// every fault written out, nothing left to draw) whose first invariant
// violation is the target, and greedily applies reductions to its YAML
// tree: fewer faults, fewer message types per loss rule, a shorter
// horizon, an earlier heal_at, shorter fault windows, fewer frameworks and
// agents, fewer jobs and tasks, fewer other timeline entries. A reduction
// is kept when the reduced scenario decodes and its first violation is of
// the target invariant; the search stops when a whole round keeps none,
// or when its budget of runs is spent. Every candidate runs the full
// deterministic simulation, and candidates are tried in a fixed order, so
// the result depends only on the input (not on Config.Parallel).
package shrink
