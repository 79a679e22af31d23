// Package model is Mesos without the allocator policy: resources, roles,
// master, agents, frameworks, offers, tasks, as actors exchanging Mesos
// messages over sim's network.
package model
