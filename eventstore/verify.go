package eventstore

import (
	"context"
	"fmt"
	"strings"
)

// Break is one broken link in a stream's hash chain.
type Break struct {
	Stream        string `json:"stream"`
	StreamVersion uint64 `json:"stream_version"`
	Position      uint64 `json:"position"`
	EventID       string `json:"event_id"`
	Problem       string `json:"problem"`
	Expected      string `json:"expected,omitempty"`
	Found         string `json:"found,omitempty"`
}

func (b Break) String() string {
	s := fmt.Sprintf("%s@%d (position %d, event %s): %s", b.Stream, b.StreamVersion, b.Position, b.EventID, b.Problem)
	if b.Expected != "" || b.Found != "" {
		s += fmt.Sprintf(" (expected %s, found %s)", b.Expected, b.Found)
	}
	return s
}

// VerifyReport is the outcome of walking every chain. Failures holds the first broken
// link of each failing stream, in log order, at most MaxReportedBreaks.
type VerifyReport struct {
	OK       bool    `json:"ok"`
	Streams  uint64  `json:"streams_checked"`
	Events   uint64  `json:"events_checked"`
	Failures []Break `json:"failures"`
}

// MaxReportedBreaks bounds the report; counting goes on past it.
const MaxReportedBreaks = 100

// chainHead is what a stream's chain needs of its last event. It keeps its own
// copy of that event's hash: a read page's strings may share a block with
// thousands of other events (Event), and a million streams' heads would keep the
// whole log's bytes. A SHA-256 hash in hex (every hash ComputeHash writes) is
// copied into the head; any other (an edited file) is kept as a string of its own.
type chainHead struct {
	next   uint64
	hex    [64]byte
	other  string
	isHex  bool
	broken bool
}

func (h *chainHead) hash() string {
	if h.isHex {
		return string(h.hex[:])
	}
	return h.other
}

func (h *chainHead) follows(prevHash string) bool {
	if h.isHex {
		return len(prevHash) == len(h.hex) && prevHash == string(h.hex[:])
	}
	return prevHash == h.other
}

func (h *chainHead) keep(hash string) {
	h.isHex = len(hash) == len(h.hex)
	if h.isHex {
		copy(h.hex[:], hash)
		h.other = ""
		return
	}
	h.other = strings.Clone(hash)
}

// Chain checks the links of streams one event at a time, in log order.
type Chain struct {
	heads  map[string]*chainHead
	report VerifyReport
}

// NewChain starts an empty check.
func NewChain() *Chain { return &Chain{heads: map[string]*chainHead{}, report: VerifyReport{OK: true}} }

// Add checks one event against its stream's chain so far.
func (c *Chain) Add(e *Event) {
	c.report.Events++
	h := c.heads[e.Stream]
	if h == nil {
		h = &chainHead{}
		c.heads[strings.Clone(e.Stream)] = h
		c.report.Streams++
	}
	var problem, expected, found string
	switch {
	case e.StreamVersion != h.next:
		problem, expected, found = "stream version out of sequence", fmt.Sprint(h.next), fmt.Sprint(e.StreamVersion)
	case !h.follows(e.PrevHash):
		problem, expected, found = "prev_hash does not match the previous event's hash", h.hash(), e.PrevHash
	default:
		if want := ComputeHash(e.PrevHash, e); want != e.Hash {
			problem, expected, found = "hash does not match the event's content", want, e.Hash
		}
	}
	if problem != "" {
		c.report.OK = false
		if !h.broken && len(c.report.Failures) < MaxReportedBreaks {
			c.report.Failures = append(c.report.Failures, Break{Stream: e.Stream, StreamVersion: e.StreamVersion,
				Position: e.Position, EventID: e.EventID, Problem: problem, Expected: expected, Found: found})
		}
		h.broken = true
	}
	h.next = e.StreamVersion + 1
	h.keep(e.Hash)
}

// Report returns the findings so far.
func (c *Chain) Report() VerifyReport { return c.report }

// VerifyStream checks one stream's events, read in version order from version 0.
func VerifyStream(events []Event) VerifyReport {
	c := NewChain()
	for i := range events {
		c.Add(&events[i])
	}
	return c.Report()
}

// Verify walks the whole log and checks every stream's hash chain. progress, if not
// nil, is called after each batch with the events and streams checked so far.
func Verify(ctx context.Context, r Reader, progress func(events, streams uint64)) (VerifyReport, error) {
	const batch = 10000
	c := NewChain()
	var after uint64
	for {
		events, err := r.ReadAll(ctx, after, batch)
		if err != nil {
			return c.Report(), fmt.Errorf("verify: read after position %d: %w", after, err)
		}
		for i := range events {
			c.Add(&events[i])
		}
		if progress != nil && len(events) > 0 {
			progress(c.report.Events, c.report.Streams)
		}
		if len(events) == 0 {
			return c.Report(), nil
		}
		after = events[len(events)-1].Position
	}
}
