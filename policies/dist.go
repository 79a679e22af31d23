package policies

import (
	"math"
	"math/rand/v2"
)

// Dist is a distribution of a non-negative quantity.
type Dist struct {
	// Kind is constant, uniform or exponential.
	Kind string
	// Value is the constant's value.
	Value float64
	// Min and Max bound uniform draws, and clamp exponential ones when set.
	Min, Max float64
	// Mean is the exponential's mean.
	Mean float64
}

// Sample draws one value from r.
func (d Dist) Sample(r *rand.Rand) float64 {
	switch d.Kind {
	case "uniform":
		return d.Min + r.Float64()*(d.Max-d.Min)
	case "exponential":
		v := r.ExpFloat64() * d.Mean
		if d.Min > 0 && v < d.Min {
			v = d.Min
		}
		if d.Max > 0 && v > d.Max {
			v = d.Max
		}
		return v
	}
	return d.Value
}

// SampleInt draws a whole number, at least lo.
func (d Dist) SampleInt(r *rand.Rand, lo int) int {
	v := int(math.Round(d.Sample(r)))
	return max(v, lo)
}
