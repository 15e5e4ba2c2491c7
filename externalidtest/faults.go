package externalidtest

import (
	"net/http"
	"sync"
	"time"
)

// AllOperations makes [Server.InjectFault] match every operation.
const AllOperations = "*"

// FaultKind is what an injected fault does to a call.
type FaultKind int

const (
	// FaultLatencyOnly delays the call by Fault.Latency and then serves it.
	FaultLatencyOnly FaultKind = iota
	// FaultThrottling answers HTTP 400 with STS's Throttling or Secrets
	// Manager's ThrottlingException, which the SDK retries.
	FaultThrottling
	// FaultInternalError answers HTTP 500 with STS's InternalFailure or
	// Secrets Manager's InternalServiceError, which the SDK retries.
	FaultInternalError
	// FaultConnectionReset closes the connection without an answer, as a
	// network failure would.
	FaultConnectionReset
)

// Fault describes a failure to inject with [Server.InjectFault]. The Server
// keeps its own copy, so the caller may reuse the value.
type Fault struct {
	// Kind is what happens to a matching call. The zero value only adds
	// Latency.
	Kind FaultKind
	// Latency delays each matching call (in real time, not the kit's
	// clock) before it is answered or failed. A caller's cancelled context
	// ends the wait.
	Latency time.Duration
	// Times limits the fault to the next Times matching calls, after which
	// calls succeed again: "N failures then success". Zero means every
	// matching call.
	Times int
	// From and Until bound an outage window on the kit's clock
	// ([Options.Clock]): the fault applies when From <= now < Until. A
	// zero From or Until leaves that side open.
	From, Until time.Time
}

// faultSet holds the injected faults. It is safe for concurrent use.
type faultSet struct {
	mu     sync.Mutex // guards faults and nextID
	faults map[int]*injected
	nextID int
}

// injected is a Fault bound to an operation, with its remaining count.
type injected struct {
	Fault
	op        string
	remaining int // meaningful when Times > 0
}

// InjectFault makes calls to operation (such as "AssumeRole" or
// "GetSecretValue", or AllOperations) fail or slow down as f says, until the
// returned function removes it. When several faults match one call, their
// latencies add up and the earliest-injected failing kind wins.
func (s *Server) InjectFault(operation string, f Fault) (remove func()) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.faults == nil {
		s.faults.faults = make(map[int]*injected)
	}
	id := s.faults.nextID
	s.faults.nextID++
	s.faults.faults[id] = &injected{Fault: f, op: operation, remaining: f.Times}
	return func() {
		s.faults.mu.Lock()
		defer s.faults.mu.Unlock()
		delete(s.faults.faults, id)
	}
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = nil
}

// take returns the latency and failure to apply to one call of op at now,
// using up one of each matching fault's Times.
func (fs *faultSet) take(op string, now time.Time) (latency time.Duration, kind FaultKind) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	first := -1
	for id, f := range fs.faults {
		if f.op != op && f.op != AllOperations {
			continue
		}
		if (!f.From.IsZero() && now.Before(f.From)) || (!f.Until.IsZero() && !now.Before(f.Until)) {
			continue
		}
		if f.Times > 0 {
			if f.remaining == 0 {
				continue
			}
			f.remaining--
		}
		latency += f.Latency
		if f.Kind != FaultLatencyOnly && (first < 0 || id < first) {
			first, kind = id, f.Kind
		}
	}
	return latency, kind
}

// applyFaults runs the faults for one call. It reports the failure kind to
// answer with; FaultLatencyOnly means serve normally. A connection reset
// has already been carried out when it returns FaultConnectionReset.
func (s *Server) applyFaults(w http.ResponseWriter, r *http.Request, op string) FaultKind {
	latency, kind := s.faults.take(op, s.now())
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if kind == FaultConnectionReset {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return kind
			}
		}
		panic(http.ErrAbortHandler) // HTTP/2 or a wrapped writer: abort instead
	}
	return kind
}
