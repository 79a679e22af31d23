package shell

import "testing"

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "''",
		"drf-offer-filter":   "drf-offer-filter",
		"--set=a.b=1,2":      "--set=a.b=1,2",
		"my scenario.yaml":   "'my scenario.yaml'",
		"it's":               `'it'\''s'`,
		"$HOME":              "'$HOME'",
		"parts/part-*.json":  "'parts/part-*.json'",
		"frameworks.0.x=1h5": "frameworks.0.x=1h5",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Join([]string{"mesosim", "run", "a b", "--seed", "3"}); got != "mesosim run 'a b' --seed 3" {
		t.Errorf("Join = %s", got)
	}
}
