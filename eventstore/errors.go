package eventstore

import (
	"errors"
	"fmt"
)

var (
	// ErrWrongExpectedVersion is matched (errors.Is) by every *WrongExpectedVersionError.
	ErrWrongExpectedVersion = errors.New("eventstore: wrong expected version")
	// ErrStreamNotFound: the stream has no events.
	ErrStreamNotFound = errors.New("eventstore: stream not found")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("eventstore: store closed")
	// ErrInvalidEvent: the event or stream name breaks a documented limit or rule
	// (empty stream name, oversize event, invalid UTF-8, malformed date or JSON).
	ErrInvalidEvent = errors.New("eventstore: invalid event")
	// ErrIdempotencyConflict: an event id was reused for different content.
	ErrIdempotencyConflict = errors.New("eventstore: event id reused with different content")
	// ErrLocked: another process holds the data folder.
	ErrLocked = errors.New("eventstore: data folder locked by another process")
	// ErrStorage: the storage layer failed (disk full, read-only folder, I/O error);
	// nothing of the failed append was written.
	ErrStorage = errors.New("eventstore: storage failure")
)

// WrongExpectedVersionError carries the stream's actual version (-1: no stream).
type WrongExpectedVersionError struct {
	Stream   string
	Expected ExpectedVersion
	Actual   int64
}

func (e *WrongExpectedVersionError) Error() string {
	return fmt.Sprintf("eventstore: stream %q: expected %s, actual version %d", e.Stream, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrWrongExpectedVersion) true.
func (e *WrongExpectedVersionError) Is(target error) bool { return target == ErrWrongExpectedVersion }

// InvalidEventError names the field and rule an event breaks.
type InvalidEventError struct {
	Field string
	Rule  string
}

func (e *InvalidEventError) Error() string {
	return fmt.Sprintf("eventstore: invalid event: %s: %s", e.Field, e.Rule)
}

// Is makes errors.Is(err, ErrInvalidEvent) true.
func (e *InvalidEventError) Is(target error) bool { return target == ErrInvalidEvent }
