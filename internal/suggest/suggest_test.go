package suggest

import (
	"slices"
	"testing"
)

func TestAmong(t *testing.T) {
	cands := []string{"run", "compare", "fuzz", "default", "drf-quota", "drf-unreserved"}
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"rnu", []string{"run"}},
		{"fuz", []string{"fuzz"}},
		{"Defualt", []string{"default"}},
		{"drf-quot", []string{"drf-quota"}},
		{"drf", []string{"drf-quota", "drf-unreserved"}},
		{"nosuch", nil},
		{"", nil},
	} {
		if got := Among(tc.name, cands); !slices.Equal(got, tc.want) {
			t.Errorf("Among(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"rnu", "run", 1}, {"ca", "abc", 3}} {
		if got := editDistance(tc.a, tc.b); got != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}
