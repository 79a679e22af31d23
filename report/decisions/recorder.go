package decisions

import (
	"slices"

	"github.com/mesosim/mesosim/model"
	"github.com/mesosim/mesosim/report"
	"github.com/mesosim/mesosim/sim"
)

// Recorder turns a run into a decision stream for a Consumer. It is both
// the allocator's model.DecisionSink (scenarios.Options.Decisions) and an
// observer of the run's records (World.Observe), from which it takes each
// cycle's number and time, the master's outstanding offers and, through a
// report.Summary of its own, the starvation intervals exactly as the
// summary's starvation metric defines them.
//
// The allocator says "exhausted" when an agent has nothing left; when part
// of the agent is in an offer of an earlier cycle still waiting for its
// holder's answer, the Recorder names that offer (offer_locked): the
// allocator does not know offers from tasks, the master does.
//
// Memory is one cycle's pairs plus the outstanding offers: every line goes
// to the consumer as soon as it is complete. After the consumer's first
// error nothing more is passed on; Err returns it.
type Recorder struct {
	out     Consumer
	summary *report.Summary
	err     error

	line  Line
	cycle int64
	t     sim.Time
	// offers are the outstanding offers, by agent in the order made.
	offers map[string][]openOffer
}

type openOffer struct {
	id, framework, role string
	at                  sim.Time
}

// Header is what a stream's header line says of the run.
type Header struct {
	Scenario string
	Seed     uint64
	Policy   string
}

// NewRecorder returns a recorder writing to out; cfg configures the
// summary whose starvation intervals it reports (cfg.Starving is its own).
// It writes the header line at once.
func NewRecorder(out Consumer, h Header, cfg report.SummaryConfig) *Recorder {
	r := &Recorder{out: out, offers: map[string][]openOffer{}}
	cfg.Starving = r.starving
	r.summary = report.NewSummary(cfg)
	r.emit(&Line{Kind: KindHeader, Version: Version, Scenario: h.Scenario, Seed: h.Seed, Policy: h.Policy})
	return r
}

func (r *Recorder) emit(l *Line) {
	if r.err == nil {
		r.err = r.out.Line(l)
	}
}

func (r *Recorder) starving(framework string, t sim.Time, open bool) {
	r.emit(&Line{Kind: KindStarve, T: int64(t), Framework: framework, Open: open})
}

// Observe implements model.Observer.
func (r *Recorder) Observe(rec *model.Record) {
	switch rec.Kind {
	case model.KindAllocation:
		r.cycle, r.t = rec.Cycle, rec.T
	case model.KindOffer:
		r.offers[rec.Agent] = append(r.offers[rec.Agent], openOffer{id: rec.Offer, framework: rec.Framework, role: rec.Role, at: rec.T})
	case model.KindOfferDeclined, model.KindOfferAccepted, model.KindOfferRescinded:
		list := slices.DeleteFunc(r.offers[rec.Agent], func(o openOffer) bool { return o.id == rec.Offer })
		if len(list) == 0 {
			delete(r.offers, rec.Agent)
		} else {
			r.offers[rec.Agent] = list
		}
	case model.KindFault:
		if rec.Fault == "master_failover" { // the new leader has no offers
			clear(r.offers)
		}
	}
	r.summary.Observe(rec)
}

// Decided implements model.DecisionSink: one cycle line.
func (r *Recorder) Decided(d *model.Decision) {
	l := &r.line
	*l = Line{Kind: KindCycle, Cycle: r.cycle, T: int64(r.t), Ordered: d.Ordered,
		Roles: l.Roles[:0], Offers: l.Offers[:0], Skips: l.Skips[:0]}
	for _, ro := range d.Roles {
		fs := make([]Framework, len(ro.Frameworks))
		for i, f := range ro.Frameworks {
			fs[i] = Framework{Framework: f.Framework, Share: f.Share}
		}
		l.Roles = append(l.Roles, Role{Role: ro.Role, Share: ro.Share, Weight: ro.Weight, Frameworks: fs})
	}
	for _, p := range d.Offers {
		l.Offers = append(l.Offers, Offer{Agent: p.Agent, Framework: p.Framework, Quota: p.Quota})
	}
	for _, s := range d.Skips {
		l.Skips = append(l.Skips, r.skip(s))
	}
	r.emit(l)
}

// skip converts one reason, naming the outstanding offer on an agent with
// nothing left.
func (r *Recorder) skip(s model.Skip) Skip {
	out := Skip{Agent: s.Agent, Framework: s.Framework, Reason: s.Reason,
		By: s.By, ByRole: s.ByRole, ByShare: s.ByShare, Share: s.Share, Weight: s.Weight,
		Since: int64(s.Since), Until: int64(s.Until), Refuse: int64(s.Refuse),
		Min: s.Min, QuotaRole: s.QuotaRole, Limit: s.Limit}
	if s.Reason == model.ReasonExhausted {
		if list := r.offers[s.Agent]; len(list) > 0 {
			o := list[0]
			out.Reason, out.Offer, out.OfferAt = model.ReasonOfferLocked, o.id, int64(o.at)
			if o.framework != out.By {
				out.By, out.ByRole, out.ByShare = o.framework, o.role, 0
			}
		}
	}
	return out
}

// Finish writes the end line at end, the run's horizon, and returns the
// consumer's first error.
func (r *Recorder) Finish(end sim.Time) error {
	r.emit(&Line{Kind: KindEnd, T: int64(end)})
	return r.err
}

// Err returns the consumer's first error.
func (r *Recorder) Err() error { return r.err }
