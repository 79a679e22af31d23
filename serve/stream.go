package serve

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"strconv"
)

// stream is one SUBSCRIBE connection: the events queued for it and the
// signals between the simulation and the handler that writes them.
type stream struct {
	id     string
	fw     *extFramework
	queue  [][]byte
	wake   chan struct{}
	closed chan struct{}
	// byUs: mesosim closed it (failover, fault, teardown, the end); else
	// the framework hung up.
	byUs bool
	done bool
}

// streamID is a stream's Mesos-Stream-Id: UUID-shaped, and derived from
// the framework and how many streams it opened, so that runs repeat.
func streamID(fw string, n int) string {
	h := fnv.New32a()
	h.Write([]byte(fw))
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", h.Sum32(), n)
}

// enqueue queues an event on f's open stream; with none it is lost, as an
// event for a disconnected framework is in Mesos. Called with s.mu held.
func (s *Server) enqueue(f *extFramework, event any) {
	st := f.stream
	if st == nil || st.done {
		return
	}
	b, err := json.Marshal(event)
	if err != nil {
		panic(fmt.Sprintf("serve: encoding %T: %v", event, err)) // every event type is plain data
	}
	st.queue = append(st.queue, b)
	s.writes++
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// closeStream closes f's open stream (mesosim's side). Called with s.mu
// held.
func (s *Server) closeStream(f *extFramework) {
	st := f.stream
	if st == nil {
		return
	}
	f.stream = nil
	st.byUs = true
	s.finishStream(st)
}

// finishStream drops what the stream had left to write. Called with s.mu
// held.
func (s *Server) finishStream(st *stream) {
	if st.done {
		return
	}
	st.done = true
	s.writes -= len(st.queue)
	st.queue = nil
	s.open--
	close(st.closed)
	s.activity()
}

// writeStream writes st's events as RecordIO records ("<length>\n<json>",
// docs/recordio.md), one record per HTTP chunk, until the stream closes.
// It runs in the SUBSCRIBE handler's goroutine.
func (s *Server) writeStream(w http.ResponseWriter, r *http.Request, st *stream) {
	fl, _ := w.(http.Flusher)
	if fl != nil {
		fl.Flush() // the 200 and its headers go out at once
	}
	for {
		s.mu.Lock()
		batch := st.queue
		st.queue = nil
		done := st.done
		s.mu.Unlock()
		if done {
			return
		}
		ok := true
		for _, b := range batch {
			rec := append([]byte(strconv.Itoa(len(b))+"\n"), b...)
			if _, err := w.Write(rec); err != nil {
				ok = false
				break
			}
			if fl != nil {
				fl.Flush()
			}
		}
		s.mu.Lock()
		s.writes -= len(batch) // taken off the queue above: finishStream no longer counts them
		s.activity()
		s.mu.Unlock()
		if !ok {
			s.hangUp(st)
			return
		}
		select {
		case <-st.wake:
		case <-st.closed:
			return
		case <-r.Context().Done():
			s.hangUp(st)
			return
		}
	}
}

// hangUp is the framework closing its stream: as Mesos's Master::exited
// for an HTTP framework, the framework is disconnected (its failover
// timeout starts), at the next frozen instant like a call.
func (s *Server) hangUp(st *stream) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st.done {
		return
	}
	f := st.fw
	if f.stream == st {
		f.stream = nil
	}
	s.finishStream(st)
	if s.ended || f.torn || f.tearing {
		return
	}
	name := f.name
	s.calls = append(s.calls, pending{fw: name, rank: rankDisconnect, key: st.id, apply: func() {
		if fw := s.w.Framework(name); fw != nil && f.stream == nil && !f.tearing {
			s.w.DisconnectFramework(name)
		}
	}})
}
