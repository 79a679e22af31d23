package report

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/mesosim/mesosim/model"
)

// Header is the optional first line of an event log: what produced it.
type Header struct {
	Seed     uint64
	Scenario string
	Version  string
	// Provenance, when set, is written as the header's "provenance" key.
	Provenance *Provenance
}

// EventLog writes the simulation's records as JSON Lines: one object per
// record, `t` first, then `kind`, then the kind's fields in a fixed order
// (docs/events.md lists them). Lines are built by hand with strconv, with no
// reflection and no maps, so the same records always give the same bytes.
//
// EventLog implements model.Observer. Output is buffered; call Close to
// flush it. After the first write error every later record is dropped and
// Close returns that error.
type EventLog struct {
	w   io.Writer
	buf []byte
	err error
	// heartbeats: write heartbeat records, and message_dropped records of
	// HEARTBEAT messages (left out by default, so logs stay small).
	heartbeats bool
}

// flushAt is the buffered size at which the log hands its bytes to w.
const flushAt = 64 << 10

// NewEventLog returns an event log writing to w. With a non-nil h the first
// line is a header:
//
//	{"t":0,"kind":"header","seed":42,"scenario":"name","version":"v0.1.0"}
func NewEventLog(w io.Writer, h *Header) *EventLog {
	l := &EventLog{w: w, buf: make([]byte, 0, flushAt+4096)}
	if h != nil {
		b := append(l.buf, `{"t":0,"kind":"header","seed":`...)
		b = strconv.AppendUint(b, h.Seed, 10)
		b = appendKey(b, "scenario")
		b = appendString(b, h.Scenario)
		b = appendKey(b, "version")
		b = appendString(b, h.Version)
		if h.Provenance != nil {
			if p, err := json.Marshal(h.Provenance); err == nil {
				b = appendKey(b, "provenance")
				b = append(b, p...)
			}
		}
		l.buf = append(b, '}', '\n')
	}
	return l
}

// WithHeartbeats makes the log write heartbeat records and the
// message_dropped records of HEARTBEAT messages, which it leaves out by
// default (mesosim run --events-heartbeats). It returns l.
func (l *EventLog) WithHeartbeats(on bool) *EventLog {
	l.heartbeats = on
	return l
}

// Heartbeat reports whether r is about a heartbeat: a heartbeat record, or
// a HEARTBEAT message dropped.
func Heartbeat(r *model.Record) bool {
	return r.Kind == model.KindHeartbeat || (r.Kind == model.KindMessageDropped && r.Type == "HEARTBEAT")
}

// Observe appends one line for r.
func (l *EventLog) Observe(r *model.Record) {
	if l.err != nil || (!l.heartbeats && Heartbeat(r)) {
		return
	}
	l.buf = appendRecord(l.buf, r)
	if len(l.buf) >= flushAt {
		l.flush()
	}
}

// Flush hands everything buffered so far to the underlying writer and
// returns the first write error, if any.
func (l *EventLog) Flush() error {
	if l.err == nil && len(l.buf) > 0 {
		l.flush()
	}
	return l.err
}

// Close flushes the log and returns the first write error. It does not close
// the underlying writer.
func (l *EventLog) Close() error { return l.Flush() }

func (l *EventLog) flush() {
	n, err := l.w.Write(l.buf)
	if err == nil && n < len(l.buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		l.err = err
	}
	l.buf = l.buf[:0]
}

// AppendRecord appends r's event-log line, newline included, to b.
func AppendRecord(b []byte, r *model.Record) []byte { return appendRecord(b, r) }

func appendRecord(b []byte, r *model.Record) []byte {
	b = append(b, `{"t":`...)
	b = strconv.AppendInt(b, int64(r.T), 10)
	b = appendKey(b, "kind")
	b = appendString(b, r.Kind)
	switch r.Kind {
	case model.KindAgentAdded:
		b = appendStr(b, "agent", r.Agent)
		b = appendRes(b, r)
	case model.KindAgentRemoved:
		b = appendStr(b, "agent", r.Agent)
		b = appendStr(b, "reason", r.Reason)
		b = appendRes(b, r)
	case model.KindAgentDisconnected, model.KindAgentReconnected:
		b = appendStr(b, "agent", r.Agent)
	case model.KindAgentPruned:
		b = appendStr(b, "agent", r.Agent)
		b = appendStr(b, "reason", r.Reason)
	case model.KindFrameworkAdded:
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "role", r.Role)
	case model.KindFrameworkRemoved:
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "reason", r.Reason)
	case model.KindFrameworkSuppress, model.KindFrameworkRevive:
		b = appendStr(b, "framework", r.Framework)
	case model.KindWeightSet:
		b = appendStr(b, "role", r.Role)
		b = appendFloat(appendKey(b, "weight"), r.Weight)
	case model.KindAllocation:
		b = strconv.AppendInt(appendKey(b, "cycle"), r.Cycle, 10)
		b = strconv.AppendInt(appendKey(b, "agents"), int64(r.Agents), 10)
	case model.KindOffer:
		b = appendStr(b, "offer", r.Offer)
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "role", r.Role)
		b = appendStr(b, "agent", r.Agent)
		b = appendRes(b, r)
	case model.KindOfferDeclined:
		b = appendStr(b, "offer", r.Offer)
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "agent", r.Agent)
		b = appendFloat(appendKey(b, "refuse_seconds"), r.RefuseSeconds)
		b = appendRes(b, r)
	case model.KindOfferAccepted:
		b = appendStr(b, "offer", r.Offer)
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "agent", r.Agent)
		b = strconv.AppendInt(appendKey(b, "tasks"), int64(r.Tasks), 10)
		b = appendRes(b, r)
	case model.KindOfferRescinded:
		b = appendStr(b, "offer", r.Offer)
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "agent", r.Agent)
		b = appendStr(b, "reason", r.Reason)
		b = appendRes(b, r)
	case model.KindQuotaSet:
		b = appendStr(b, "role", r.Role)
		b = appendStr(b, "detail", r.Detail)
	case model.KindTaskSubmitted:
		b = appendStr(b, "task", r.Task)
		b = appendNonEmpty(b, "job", r.Job)
		b = appendStr(b, "framework", r.Framework)
		b = appendRes(b, r)
	case model.KindTaskLaunched:
		b = appendStr(b, "task", r.Task)
		b = appendNonEmpty(b, "job", r.Job)
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "agent", r.Agent)
		b = appendRes(b, r)
		if r.Submitted >= 0 {
			b = strconv.AppendInt(appendKey(b, "submitted"), int64(r.Submitted), 10)
		}
	case model.KindTaskStatus:
		b = appendStr(b, "task", r.Task)
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "agent", r.Agent)
		b = appendStr(b, "state", r.State)
		b = appendStr(b, "reason", r.Reason)
		b = appendStr(b, "source", r.Source)
		b = appendStr(b, "seen_by", r.SeenBy)
		if r.UUID != 0 {
			b = strconv.AppendUint(appendKey(b, "uuid"), r.UUID, 10)
		}
		if r.UnreachableTime != 0 {
			b = strconv.AppendInt(appendKey(b, "unreachable_time"), int64(r.UnreachableTime), 10)
		}
	case model.KindHeartbeat:
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "seen_by", r.SeenBy)
	case model.KindMessageDropped:
		b = appendStr(b, "type", r.Type)
		b = appendStr(b, "from", r.From)
		b = appendStr(b, "to", r.To)
		b = appendNonEmpty(b, "reason", r.Reason)
		b = appendNonEmpty(b, "framework", r.Framework)
		b = appendNonEmpty(b, "task", r.Task)
		b = appendNonEmpty(b, "agent", r.Agent)
	case model.KindFault:
		b = appendNonEmpty(b, "fault", r.Fault)
		b = appendNonEmpty(b, "agent", r.Agent)
		b = appendNonEmpty(b, "framework", r.Framework)
		b = appendNonEmpty(b, "detail", r.Detail)
	case model.KindFrameworkCall:
		b = appendStr(b, "framework", r.Framework)
		b = appendStr(b, "type", r.Type)
		b = appendNonEmpty(b, "task", r.Task)
		b = appendNonEmpty(b, "agent", r.Agent)
		if r.UUID != 0 {
			b = strconv.AppendUint(appendKey(b, "uuid"), r.UUID, 10)
		}
		b = appendNonEmpty(b, "detail", r.Detail)
	case model.KindInvariantViolation:
		b = appendNonEmpty(b, "invariant", r.Invariant)
		b = appendNonEmpty(b, "detail", r.Detail)
		b = appendNonEmpty(b, "task", r.Task)
		b = appendNonEmpty(b, "agent", r.Agent)
	default:
		b = appendAllFields(b, r)
	}
	return append(b, '}', '\n')
}

// appendAllFields writes every non-empty field of r in struct order, so that
// kinds this writer does not know yet still log everything they carry.
// Numbers count as empty when zero; Submitted when negative or zero.
func appendAllFields(b []byte, r *model.Record) []byte {
	b = appendNonEmpty(b, "agent", r.Agent)
	b = appendNonEmpty(b, "framework", r.Framework)
	b = appendNonEmpty(b, "role", r.Role)
	b = appendNonEmpty(b, "offer", r.Offer)
	b = appendNonEmpty(b, "task", r.Task)
	b = appendNonEmpty(b, "job", r.Job)
	if !r.Resources.IsEmpty() {
		b = appendRes(b, r)
	}
	b = appendNonEmpty(b, "reason", r.Reason)
	b = appendNonEmpty(b, "state", r.State)
	b = appendNonEmpty(b, "source", r.Source)
	b = appendNonEmpty(b, "seen_by", r.SeenBy)
	if r.UUID != 0 {
		b = strconv.AppendUint(appendKey(b, "uuid"), r.UUID, 10)
	}
	if r.UnreachableTime != 0 {
		b = strconv.AppendInt(appendKey(b, "unreachable_time"), int64(r.UnreachableTime), 10)
	}
	if r.RefuseSeconds != 0 {
		b = appendFloat(appendKey(b, "refuse_seconds"), r.RefuseSeconds)
	}
	if r.Cycle != 0 {
		b = strconv.AppendInt(appendKey(b, "cycle"), r.Cycle, 10)
	}
	if r.Agents != 0 {
		b = strconv.AppendInt(appendKey(b, "agents"), int64(r.Agents), 10)
	}
	if r.Tasks != 0 {
		b = strconv.AppendInt(appendKey(b, "tasks"), int64(r.Tasks), 10)
	}
	if r.Weight != 0 {
		b = appendFloat(appendKey(b, "weight"), r.Weight)
	}
	if r.Submitted > 0 {
		b = strconv.AppendInt(appendKey(b, "submitted"), int64(r.Submitted), 10)
	}
	b = appendNonEmpty(b, "type", r.Type)
	b = appendNonEmpty(b, "from", r.From)
	b = appendNonEmpty(b, "to", r.To)
	b = appendNonEmpty(b, "fault", r.Fault)
	b = appendNonEmpty(b, "invariant", r.Invariant)
	b = appendNonEmpty(b, "detail", r.Detail)
	return b
}

// appendKey appends `,"key":`. Keys are fixed ASCII names that need no
// escaping.
func appendKey(b []byte, key string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func appendStr(b []byte, key, s string) []byte {
	return appendString(appendKey(b, key), s)
}

func appendNonEmpty(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendStr(b, key, s)
}

func appendRes(b []byte, r *model.Record) []byte {
	return r.Resources.AppendJSON(appendKey(b, "resources"))
}

// appendFloat writes x in the shortest decimal form that reads back exactly,
// never in exponent notation. NaN and infinities, which JSON cannot carry,
// are written as null.
func appendFloat(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, x, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. It escapes what encoding/json
// escapes, except that <, > and & are left alone: quote, backslash, control
// characters, U+2028 and U+2029; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
