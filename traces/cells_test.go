package traces

import "testing"

func TestGoogleCellPreset(t *testing.T) {
	full, err := Preset("google-2011-cell", 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range full {
		n += s.Count
	}
	if n != 12583 || len(full) != 10 {
		t.Fatalf("google-2011-cell has %d machines in %d shapes, want 12,583 in 10", n, len(full))
	}
	small, err := Preset("google-2011-cell", 0.01)
	if err != nil {
		t.Fatal(err)
	}
	if small[0].Count != 67 || small[9].Count != 1 {
		t.Fatalf("scaled: %+v", small)
	}
	for _, bad := range []float64{0, -1, 1.5} {
		if _, err := Preset("google-2011-cell", bad); err == nil {
			t.Fatalf("scale %v accepted", bad)
		}
	}
	if _, err := Preset("nope", 1); err == nil {
		t.Fatal("unknown preset accepted")
	}
}
