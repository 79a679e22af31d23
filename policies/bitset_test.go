package policies

import "testing"

func TestIntersects(t *testing.T) {
	set := func(is ...int) bitset {
		var b bitset
		for _, i := range is {
			b.set(i)
		}
		return b
	}
	for _, tc := range []struct {
		a, b bitset
		want bool
	}{
		{nil, nil, false},
		{set(1), nil, false},
		{set(1), set(1), true},
		{set(1), set(2), false},
		{set(0, 64), set(64), true},
		{set(0, 130), set(1, 129), false},
		{set(200), set(3, 200), true},
		{set(63), set(64), false},
	} {
		if got := intersects(tc.a, tc.b); got != tc.want {
			t.Errorf("intersects(%b, %b) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := intersects(tc.b, tc.a); got != tc.want {
			t.Errorf("intersects(%b, %b) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}
