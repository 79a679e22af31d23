// Package policies holds mesosim's allocators (the hierarchical DRF
// allocator with Mesos's exact sorter order, and the others that slot in by
// name) and the built-in framework behaviours. Each kind is reached through
// one registry map from name to factory.
package policies
