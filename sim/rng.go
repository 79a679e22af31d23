package sim

import "math/rand/v2"

// Streams derives independent, named random streams from one root seed, so
// that adding draws in one subsystem never changes another subsystem's draws.
type Streams struct{ root uint64 }

// NewStreams returns the stream factory for a root seed.
func NewStreams(root uint64) Streams { return Streams{root: root} }

// Root returns the root seed.
func (s Streams) Root() uint64 { return s.root }

// Get returns a fresh PCG-backed generator for the stream called name. The
// same (root, name) always gives the same sequence.
func (s Streams) Get(name string) *rand.Rand {
	h := fnv64(name)
	return rand.New(rand.NewPCG(splitmix(s.root^h), splitmix(h+0x9e3779b97f4a7c15*(s.root|1))))
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
