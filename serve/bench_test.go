package serve

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkQuietLockStep measures lock-step virtual time for a quiet
// framework: it subscribes, declines its first offers for an hour and
// then only reads heartbeats (one frozen instant per 15 s of virtual
// time), until the horizon. It reports virtual seconds per wall second at
// the default --quiet of 50ms. Run it with -benchtime 1x:
//
//	go test ./serve -run '^$' -bench QuietLockStep -benchtime 1x
//
// The sub-benchmark every-cycle declines for 1 s instead: an offer, so a
// frozen instant, at every allocation cycle.
func BenchmarkQuietLockStep(b *testing.B) {
	b.Run("quiet", func(b *testing.B) { benchLockStep(b, "1h", 7200) })
	b.Run("every-cycle", func(b *testing.B) { benchLockStep(b, "2m", 1) })
}

func benchLockStep(b *testing.B, horizon string, refuse float64) {
	for range b.N {
		h := start(b, `
name: quiet
seed: 1
duration: `+horizon+`
agents:
  - {name: agent, count: 2, resources: "cpus:4;mem:4096"}
frameworks:
  - {name: ext, behavior: external}
`, Config{Quiet: DefaultQuiet, UntilHorizon: true})
		begin := time.Now()
		c := subscribe(b, h.base, "ext", "")
		for ev := c.next(); ev != nil; ev = c.next() {
			if ev["type"] != "OFFERS" {
				continue
			}
			for _, o := range path(ev, "offers", "offers").([]any) {
				id := path(o.(map[string]any), "id", "value").(string)
				c.call("DECLINE", "decline", fmt.Sprintf(`{"offer_ids":[{"value":%q}],"filters":{"refuse_seconds":%v}}`, id, refuse))
			}
		}
		end := h.wait()
		wall := time.Since(begin).Seconds()
		b.ReportMetric(end.Seconds()/wall, "virtual-s/wall-s")
		b.ReportMetric(float64(h.srv.Steps())/wall, "instants/wall-s")
	}
}
