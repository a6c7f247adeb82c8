package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"

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
	streams  map[streamKey]opening
	refusals []Refusal
}

// streamKey is a stream's kind (its first letter) and uuid: a million streams
// cost ~40 MB this way, against ~100 MB keyed by name.
type streamKey struct {
	kind byte
	id   uuid.UUID
}

type opening struct {
	line   int32     // the stream's first line in the file
	opened bool      // that line is its opening event,
	event  uuid.UUID // whose id this is
}

// NewOpenings returns an empty check.
func NewOpenings() *Openings { return &Openings{streams: map[streamKey]opening{}} }

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
	k := streamKey{kind: kind[0], id: u}
	isOpener := rec.Event.Type == openers[kind]
	first, seen := o.streams[k]
	switch {
	case !seen:
		op := opening{line: int32(line), opened: isOpener}
		if isOpener {
			op.event, _ = uuid.Parse(rec.Event.EventID)
		}
		o.streams[k] = op
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
	out := o.refusals
	if head > 0 {
		for k, op := range o.streams {
			if unknownOK && !op.opened {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			name := streamName(k)
			evs, err := log.ReadStream(ctx, name, 0, 1)
			if errors.Is(err, eventstore.ErrStreamNotFound) {
				evs, err = nil, nil
			}
			if err != nil {
				return nil, fmt.Errorf("import: read stream %s: %w", name, err)
			}
			switch {
			case !op.opened && len(evs) == 0:
				out = append(out, notOpened(op.line, name))
			case op.opened && len(evs) > 0 && !sameID(evs[0].EventID, op.event):
				// Re-running the same file finds its own opening event there; any other
				// first event means the file would start the stream over.
				out = append(out, Refusal{Line: int(op.line), Field: "event.event_id", Rule: RuleStreamOpenedElse,
					Detail: "the log already holds this stream, opened by another event"})
			}
		}
	} else if !unknownOK {
		for k, op := range o.streams {
			if !op.opened {
				out = append(out, notOpened(op.line, streamName(k)))
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out, nil
}

func notOpened(line int32, stream string) Refusal {
	kind, _, _ := splitStream(stream)
	return Refusal{Line: int(line), Field: "stream", Rule: RuleStreamNotOpened,
		Detail: fmt.Sprintf("the stream's first event here is not its %s, and the log does not hold the stream", openers[kind])}
}

func kindOf(k streamKey) string {
	if k.kind == 's' {
		return "session"
	}
	return "pathway"
}

func streamName(k streamKey) string { return kindOf(k) + "-" + k.id.String() }

// sameID compares as UUIDs: a log may spell an id in capitals.
func sameID(stored string, id uuid.UUID) bool {
	u, err := uuid.Parse(stored)
	return err == nil && u == id
}
