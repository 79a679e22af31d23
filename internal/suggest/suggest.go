// Package suggest finds the names close to a mistyped one, for "did you
// mean".
package suggest

import "strings"

// Among returns the candidates close to name, in their order: an edit
// distance (a transposition counting as one edit, case-insensitive) of at
// most 1 for a name of up to 4 letters and 2 for a longer one, or one a
// prefix of the other.
func Among(name string, candidates []string) []string {
	n := strings.ToLower(name)
	if n == "" {
		return nil
	}
	var out []string
	for _, c := range candidates {
		lc := strings.ToLower(c)
		most := 2
		if len(n) <= 4 {
			most = 1
		}
		if editDistance(n, lc) <= most || strings.HasPrefix(lc, n) || strings.HasPrefix(n, lc) {
			out = append(out, c)
		}
	}
	return out
}

// editDistance is the optimal string alignment distance between a and b
// (bytes): insertions, deletions, substitutions and transpositions of
// neighbours each count one.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
