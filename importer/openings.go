package importer

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Rules of a stream's opening event across an NDJSON file of events.
const (
	RuleOpeningNotFirst  = "opening_not_first"
	RuleOpenedTwice      = "opened_twice"
	RuleStreamNotOpened  = "stream_not_opened"
	RuleStreamOpenedElse = "stream_opened_elsewhere"
)

// openers is the event that opens each kind of stream: Decide records nothing on a
// pathway before its referral, nor on a session before it is planned.
var openers = map[string]string{"pathway": "ReferralReceived", "session": "SessionPlanned"}

// Openings checks that each stream in a file of events opens as its aggregate
// opens it: with one opening event, before the stream's other events in the file,
// or else on a stream the log already holds. A fold takes any order without
// failing, but a pathway without its referral, or with a second one that starts
// it over, is not a pathway a trust recorded. Feed it every event line of the
// check pass (Observe), then ask the store (Refusals).
type Openings struct {
	streams  [2]streamSet // pathways, sessions
	refusals []Refusal
}

// opening is 16 bytes.
type opening struct {
	line   int32  // the stream's first line in the file
	opened bool   // that line is its opening event,
	event  uint64 // whose id this is, folded (idFold)
}

// idFold folds a UUID to 64 bits. Two different opening events of one stream
// share a fold with probability 2^-64: such a file would pass for a re-run.
func idFold(u uuid.UUID) uint64 {
	return binary.LittleEndian.Uint64(u[:8]) ^ binary.LittleEndian.Uint64(u[8:])
}

func kindIndex(kind string) int {
	if kind == "session" {
		return 1
	}
	return 0
}

// Streams is how many streams the file holds.
func (o *Openings) Streams() int {
	return len(o.streams[0].run) + len(o.streams[0].pending) + len(o.streams[1].run) + len(o.streams[1].pending)
}

// NewOpenings returns an empty check.
func NewOpenings() *Openings {
	return &Openings{}
}

// Observe notes an event line. Lines must come in file order.
func (o *Openings) Observe(line int, rec Record) {
	kind, id, ok := splitStream(rec.Stream)
	if !ok || rec.Event == nil {
		return // refused by the line's own checks
	}
	u, err := uuid.Parse(id)
	if err != nil {
		return
	}
	streams := &o.streams[kindIndex(kind)]
	isOpener := rec.Event.Type == openers[kind]
	first, seen := streams.get(u)
	switch {
	case !seen:
		op := opening{line: int32(line), opened: isOpener}
		if isOpener {
			e, _ := uuid.Parse(rec.Event.EventID)
			op.event = idFold(e)
		}
		streams.add(u, op)
	case isOpener && first.opened:
		o.refusals = append(o.refusals, Refusal{Line: line, Field: "event.type", Value: rec.Event.Type, Rule: RuleOpenedTwice,
			Detail: fmt.Sprintf("the stream is already opened on line %d; a %s has one", first.line, kind)})
	case isOpener:
		o.refusals = append(o.refusals, Refusal{Line: line, Field: "event.type", Value: rec.Event.Type, Rule: RuleOpeningNotFirst,
			Detail: fmt.Sprintf("must come before the stream's other events (line %d)", first.line)})
	}
}

// Refusals returns the file's refusals, in line order, once the log is asked about
// the streams the file does not open (they must be in the log already) and those
// it opens (the log must not hold them opened by another event). An empty log
// (head 0) holds none, and no question is asked; with unknownOK (a file whose
// commands may open streams), streams the file does not open are not asked about.
func (o *Openings) Refusals(ctx context.Context, log eventstore.Reader, head uint64, unknownOK bool) ([]Refusal, error) {
	out := slices.Clone(o.refusals) // Refusals may be asked again
	for kind := range o.streams {
		set := &o.streams[kind]
		set.merge()
		prefix := []string{"pathway-", "session-"}[kind]
		// Asking the log is one read a stream (16 s at a million on one reader):
		// the store's readers share it, each a slice of the run.
		parts := 1
		if head > 0 {
			parts = askers
		}
		found := make([][]Refusal, parts)
		errs := make([]error, parts)
		var wg sync.WaitGroup
		for p := range parts {
			lo, hi := p*len(set.run)/parts, (p+1)*len(set.run)/parts
			wg.Go(func() {
				for _, e := range set.run[lo:hi] {
					bad, err := o.against(ctx, log, prefix+e.id.String(), e.op, head, unknownOK)
					if err != nil {
						errs[p] = err
						return
					}
					if bad != nil {
						found[p] = append(found[p], *bad)
					}
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		for _, f := range found {
			out = append(out, f...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out, nil
}

// askers is how many streams are asked about at once: the embedded store's readers.
const askers = 4

// against is the refusal, if any, of one stream the file holds, given the log.
func (o *Openings) against(ctx context.Context, log eventstore.Reader, name string, op opening, head uint64, unknownOK bool) (*Refusal, error) {
	if unknownOK && !op.opened {
		return nil, nil
	}
	if head == 0 {
		if !op.opened {
			r := notOpened(op.line, name)
			return &r, nil
		}
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	evs, err := log.ReadStream(ctx, name, 0, 1)
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		evs, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("import: read stream %s: %w", name, err)
	}
	switch {
	case !op.opened && len(evs) == 0:
		r := notOpened(op.line, name)
		return &r, nil
	case op.opened && len(evs) > 0 && !sameID(evs[0].EventID, op.event):
		// Re-running the same file finds its own opening event there; any other
		// first event means the file would start the stream over.
		return &Refusal{Line: int(op.line), Field: "event.event_id", Rule: RuleStreamOpenedElse,
			Detail: "the log already holds this stream, opened by another event"}, nil
	}
	return nil, nil
}

func notOpened(line int32, stream string) Refusal {
	kind, _, _ := splitStream(stream)
	return Refusal{Line: int(line), Field: "stream", Rule: RuleStreamNotOpened,
		Detail: fmt.Sprintf("the stream's first event here is not its %s, and the log does not hold the stream", openers[kind])}
}

// sameID compares a stored id with a folded one: a log may spell an id in capitals.
func sameID(stored string, fold uint64) bool {
	u, err := uuid.Parse(stored)
	return err == nil && idFold(u) == fold
}
