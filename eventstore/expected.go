package eventstore

import "fmt"

// ExpectedVersion states what the writer believes about a stream when it appends.
// Versions are 0-based, as in KurrentDB: the first event of a stream is version 0.
type ExpectedVersion struct {
	kind    expectedKind
	version uint64
}

type expectedKind uint8

const (
	expectAny expectedKind = iota
	expectNoStream
	expectStreamExists
	expectExact
)

// Any appends whatever the stream's state.
func Any() ExpectedVersion { return ExpectedVersion{kind: expectAny} }

// NoStream appends only if the stream has no events yet.
func NoStream() ExpectedVersion { return ExpectedVersion{kind: expectNoStream} }

// StreamExists appends only if the stream already has at least one event.
func StreamExists() ExpectedVersion { return ExpectedVersion{kind: expectStreamExists} }

// Exact appends only if the stream's last event has version n.
func Exact(n uint64) ExpectedVersion { return ExpectedVersion{kind: expectExact, version: n} }

// IsAny, IsNoStream, IsStreamExists report the mode; Exact reports the version for
// the Exact mode.
func (e ExpectedVersion) IsAny() bool          { return e.kind == expectAny }
func (e ExpectedVersion) IsNoStream() bool     { return e.kind == expectNoStream }
func (e ExpectedVersion) IsStreamExists() bool { return e.kind == expectStreamExists }

// ExactVersion returns the version demanded and true for the Exact mode.
func (e ExpectedVersion) ExactVersion() (uint64, bool) {
	return e.version, e.kind == expectExact
}

// Satisfied reports whether a stream whose last version is current (-1 when the
// stream has no events) meets the expectation.
func (e ExpectedVersion) Satisfied(current int64) bool {
	switch e.kind {
	case expectNoStream:
		return current < 0
	case expectStreamExists:
		return current >= 0
	case expectExact:
		return current >= 0 && uint64(current) == e.version
	default:
		return true
	}
}

func (e ExpectedVersion) String() string {
	switch e.kind {
	case expectNoStream:
		return "no-stream"
	case expectStreamExists:
		return "stream-exists"
	case expectExact:
		return fmt.Sprintf("exact(%d)", e.version)
	default:
		return "any"
	}
}
