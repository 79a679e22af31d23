package report

import (
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Value is one seed's value of a metric; OK is false when the run has no
// data for it (no task waited, no job completed, no role had demand). In
// JSON it is a number, or null without data.
type Value struct {
	V  float64
	OK bool
}

// MarshalJSON implements json.Marshaler.
func (v Value) MarshalJSON() ([]byte, error) {
	if !v.OK || math.IsNaN(v.V) || math.IsInf(v.V, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v.V, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (v *Value) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Value{}
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	*v = Value{x, err == nil}
	return err
}

// present returns the values with data.
func present(vals []Value) []float64 {
	var xs []float64
	for _, v := range vals {
		if v.OK {
			xs = append(xs, v.V)
		}
	}
	return xs
}

// meanCI is the mean of xs and its 95% Student's t confidence interval,
// mean ± t(0.975, n-1) · s / √n with s the sample standard deviation (n-1
// in the denominator); N is len(xs).
func meanCI(name string, xs []float64) Stat {
	st := Stat{Name: name, N: len(xs)}
	st.Mean, st.Low, st.High = meanInterval(xs)
	return st
}

// meanInterval is the mean of xs and its 95% Student's t confidence
// interval; all 0 for no values, the mean alone for one.
func meanInterval(xs []float64) (mean, low, high float64) {
	n := len(xs)
	if n == 0 {
		return 0, 0, 0
	}
	mean, variance := stat.MeanVariance(xs, nil)
	if n == 1 {
		return mean, mean, mean
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
	half := t * math.Sqrt(variance/float64(n))
	return mean, mean - half, mean + half
}

// Paired is a metric's paired difference to the baseline over the seeds
// where both have data: d_i = x_i - baseline_i. Mean, Low and High are the
// mean of the d_i and its 95% Student's t confidence interval; P is the
// two-sided p-value of the Wilcoxon signed-rank test of the d_i against 0
// (see Wilcoxon). N = 0: no seed with data on both sides (P is then 1).
type Paired struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	P    float64 `json:"p"`
}

// paired is the paired difference of vals to base, seed by seed.
func paired(vals, base []Value) Paired {
	var d []float64
	for i, v := range vals {
		if i < len(base) && v.OK && base[i].OK {
			d = append(d, v.V-base[i].V)
		}
	}
	p := Paired{N: len(d)}
	p.Mean, p.Low, p.High = meanInterval(d)
	p.P = Wilcoxon(d)
	return p
}

// exactWilcoxonMax is the largest number of non-zero differences for which
// Wilcoxon computes the exact null distribution.
const exactWilcoxonMax = 50

// Wilcoxon is the two-sided p-value of the Wilcoxon signed-rank test that
// the differences d are symmetric about 0. Zero differences are dropped
// (Wilcoxon's own treatment, R's and SciPy's default); tied absolute
// values get their average rank. With at most 50 non-zero differences the
// p-value is exact: the null distribution of W+ (every sign equally
// likely, given the ranks, ties included) is counted by dynamic
// programming over the doubled ranks. Beyond that, the normal
// approximation with the tie correction of the variance and a continuity
// correction of 1/2. With no non-zero difference, 1. gonum/stat has no
// signed-rank test; this is written from the test's definition.
func Wilcoxon(d []float64) float64 {
	var a []float64
	for _, x := range d {
		if x != 0 && !math.IsNaN(x) {
			a = append(a, math.Abs(x))
		}
	}
	n := len(a)
	if n == 0 {
		return 1
	}
	// Average ranks, doubled so that they are integers.
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		switch {
		case a[i] < a[j]:
			return -1
		case a[i] > a[j]:
			return 1
		}
		return 0
	})
	rank2 := make([]int, n) // 2 × rank, by position in a
	var ties []int          // sizes of tie groups
	for i := 0; i < n; {
		j := i
		for j+1 < n && a[idx[j+1]] == a[idx[i]] {
			j++
		}
		r2 := i + j + 2 // (i+1 + j+1) / 2 ranks, doubled
		for k := i; k <= j; k++ {
			rank2[idx[k]] = r2
		}
		if j > i {
			ties = append(ties, j-i+1)
		}
		i = j + 1
	}
	w2 := 0 // 2 × W+
	k := 0
	for _, x := range d {
		if x != 0 && !math.IsNaN(x) {
			if x > 0 {
				w2 += rank2[k]
			}
			k++
		}
	}
	total2 := n * (n + 1) // 2 × (sum of all ranks)
	if n <= exactWilcoxonMax {
		// counts[s] = number of sign assignments with 2·W+ = s.
		counts := make([]float64, total2+1)
		counts[0] = 1
		for _, r := range rank2 {
			for s := total2; s >= r; s-- {
				counts[s] += counts[s-r]
			}
		}
		all := math.Pow(2, float64(n))
		var le, ge float64
		for s, c := range counts {
			if s <= w2 {
				le += c
			}
			if s >= w2 {
				ge += c
			}
		}
		return math.Min(1, 2*math.Min(le, ge)/all)
	}
	nf := float64(n)
	w := float64(w2) / 2
	mean := nf * (nf + 1) / 4
	variance := nf * (nf + 1) * (2*nf + 1) / 24
	for _, t := range ties {
		tf := float64(t)
		variance -= (tf*tf*tf - tf) / 48
	}
	if variance <= 0 {
		return 1
	}
	z := (math.Abs(w-mean) - 0.5) / math.Sqrt(variance)
	if z < 0 {
		z = 0
	}
	return math.Min(1, 2*distuv.UnitNormal.Survival(z))
}
