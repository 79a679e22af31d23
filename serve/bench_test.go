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
func BenchmarkQuietLockStep(b *testing.B) {
	for range b.N {
		h := start(b, `
name: quiet
seed: 1
duration: 1h
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
				c.call("DECLINE", "decline", fmt.Sprintf(`{"offer_ids":[{"value":%q}],"filters":{"refuse_seconds":7200}}`, id))
			}
		}
		end := h.wait()
		wall := time.Since(begin).Seconds()
		b.ReportMetric(end.Seconds()/wall, "virtual-s/wall-s")
		b.ReportMetric(float64(h.srv.Steps())/wall, "instants/wall-s")
	}
}
