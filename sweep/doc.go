// Package sweep splits a sweep of independent simulations (the cells of a
// `mesosim compare` or `mesosim fuzz` run) into shards, writes and reads
// the part file each shard produces, checks a set of parts before they are
// merged, and writes the Slurm and Kubernetes job files that run the
// shards on a cluster. It knows nothing of what a cell computes: a cell's
// result is an opaque JSON value the command that made it decodes.
// docs/sweeps.md describes the part format and the job files.
package sweep
