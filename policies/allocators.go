package policies

import (
	"fmt"
	"strings"

	"github.com/mesosim/mesosim/model"
)

// AllocatorFactory builds an allocator from its configuration.
type AllocatorFactory func(cfg model.AllocatorConfig) model.Allocator

// allocators is the registry of allocation policies by name, the one place
// a new policy is added (as nomad's BuiltinSchedulers).
var allocators = map[string]AllocatorFactory{
	"drf":      func(cfg model.AllocatorConfig) model.Allocator { return NewDRF(cfg) },
	"random":   func(cfg model.AllocatorConfig) model.Allocator { return newHierarchical(cfg, randomOrder{}) },
	"fifo":     func(cfg model.AllocatorConfig) model.Allocator { return newHierarchical(cfg, fifoOrder{}) },
	"capacity": func(cfg model.AllocatorConfig) model.Allocator { return newHierarchical(cfg, capacityOrder{}) },
}

// NewAllocator builds the allocator registered under name.
func NewAllocator(name string, cfg model.AllocatorConfig) (model.Allocator, error) {
	f, ok := allocators[name]
	if !ok {
		return nil, fmt.Errorf("unknown allocator %q (known: %s)", name, strings.Join(AllocatorNames(), ", "))
	}
	return f(cfg), nil
}
