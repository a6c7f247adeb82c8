package eventstore

import (
	"context"
	"encoding/json"
	"time"
)

// Actor is the authenticated caller behind an event.
type Actor struct {
	User string `json:"user"`
	Role string `json:"role"`
}

// EventData is what a writer appends. The store assigns stream, version, position,
// recorded_at and the hash chain.
type EventData struct {
	// EventID is a UUID; the idempotency key of the append. Empty: the store makes a v7.
	EventID       string
	Type          string
	SchemaVersion int
	// OccurredOn is the business date the fact is effective, "YYYY-MM-DD".
	OccurredOn    string
	Actor         Actor
	CorrelationID string
	CausationID   string
	Reason        string
	Data          json.RawMessage
}

// Event is a stored event: the envelope of DESIGN §3. Its strings and Data never
// change, but an engine may read the events of a page into shared blocks: whatever
// keeps one for long (but EventID, always its own) should copy it, or it keeps
// the block too.
type Event struct {
	EventID       string          `json:"event_id"`
	Stream        string          `json:"stream"`
	StreamVersion uint64          `json:"stream_version"`
	Position      uint64          `json:"position"`
	Type          string          `json:"type"`
	SchemaVersion int             `json:"schema_version"`
	OccurredOn    string          `json:"occurred_on"`
	RecordedAt    time.Time       `json:"recorded_at"`
	Actor         Actor           `json:"actor"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	CausationID   string          `json:"causation_id,omitempty"`
	Reason        string          `json:"reason,omitempty"`
	Data          json.RawMessage `json:"data"`
	PrevHash      string          `json:"prev_hash"`
	Hash          string          `json:"hash"`
}

// AppendResult reports where an append landed: the stream version of its last event
// (what the next writer should expect) and that event's global position.
type AppendResult struct {
	Version  uint64
	Position uint64
}

// Reader reads the log.
type Reader interface {
	// ReadStream returns up to limit events of stream from fromVersion on, in version
	// order (limit <= 0: all). ErrStreamNotFound when the stream has no events.
	ReadStream(ctx context.Context, stream string, fromVersion uint64, limit int) ([]Event, error)
	// ReadAll returns up to limit events with Position > after, in position order.
	ReadAll(ctx context.Context, after uint64, limit int) ([]Event, error)
}

// Store is the event log every engine implements.
type Store interface {
	Reader
	// Append writes events to stream atomically, all or nothing, once expected holds.
	// It returns only when the events are durable. Re-sending the same event ids with
	// the same content returns the original result without writing again.
	Append(ctx context.Context, stream string, expected ExpectedVersion, events ...EventData) (AppendResult, error)
	// Subscribe delivers every event with Position > after: the backlog first, then
	// live events, gap-free and in order.
	Subscribe(ctx context.Context, after uint64) (Subscription, error)
	Close() error
}

// QueuedAppender is a Store that can take an append without waiting for it to be
// durable: AppendQueued returns once the append is queued, and its wait function
// returns what Append would have. The appends one caller queues are written in the
// order queued. A long import keeps many queued, so that they share commits while
// the log keeps the file's order.
type QueuedAppender interface {
	AppendQueued(ctx context.Context, stream string, expected ExpectedVersion, events ...EventData) (wait func() (AppendResult, error), err error)
}

// Subscription is a catch-up-then-live feed of the global log.
type Subscription interface {
	// Recv blocks until the next event, ctx is done, or the subscription fails.
	Recv(ctx context.Context) (Event, error)
	Close() error
}
