package api

import (
	"errors"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Header names of the concurrency contract (API.md Conventions).
const (
	HeaderETag           = "ETag"
	HeaderIfMatch        = "If-Match"
	HeaderLedgerPosition = "Ledger-Position"
)

// ParseIfMatch reads an If-Match value. It returns present=false for an empty value;
// `*` demands that the stream exists; `"N"` demands stream version N. Weak tags,
// lists and anything else are malformed: a write can demand only one exact version.
func ParseIfMatch(v string) (expected eventstore.ExpectedVersion, present bool, err error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return eventstore.Any(), false, nil
	}
	if v == "*" {
		return eventstore.StreamExists(), true, nil
	}
	bad := func(detail string) *Problem {
		return BadRequest("the If-Match header is malformed", FieldError{Field: HeaderIfMatch, Detail: detail})
	}
	if strings.HasPrefix(v, "W/") {
		return eventstore.Any(), true, bad("weak entity tags cannot be used; send the ETag of a write or read as is")
	}
	if strings.Contains(v, ",") {
		return eventstore.Any(), true, bad("must name exactly one version")
	}
	if len(v) < 3 || v[0] != '"' || v[len(v)-1] != '"' {
		return eventstore.Any(), true, bad(`must be a quoted stream version such as "3", or *`)
	}
	n, ok := parseVersion(v[1 : len(v)-1])
	if !ok {
		return eventstore.Any(), true, bad(`must be a quoted stream version such as "3", or *`)
	}
	return eventstore.Exact(n), true, nil
}

// parseVersion accepts canonical decimal only (no sign, no leading zeros), because an
// entity tag is compared as text: "03" would never match the ETag "3".
func parseVersion(s string) (uint64, bool) {
	if s == "" || len(s) > 20 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// IfMatch returns what the request's If-Match demands: eventstore.Any() without the
// header, or a 400 problem naming the header when it is malformed.
func IfMatch(c echo.Context) (eventstore.ExpectedVersion, error) {
	values := c.Request().Header.Values(HeaderIfMatch)
	if len(values) > 1 {
		return eventstore.Any(), BadRequest("the If-Match header is malformed",
			FieldError{Field: HeaderIfMatch, Detail: "must name exactly one version"})
	}
	v := ""
	if len(values) == 1 {
		v = values[0]
	}
	exp, _, err := ParseIfMatch(v)
	return exp, err
}

// CheckVersion returns the version-conflict error (answered 409 with the current
// version) unless a stream whose last version is current (-1: no stream) meets
// expected. Route code calls it with If-Match's expectation and the version it
// loaded, before deciding, so a stale client is refused without work.
func CheckVersion(stream string, expected eventstore.ExpectedVersion, current int64) error {
	if expected.Satisfied(current) {
		return nil
	}
	return &eventstore.WrongExpectedVersionError{Stream: stream, Expected: expected, Actual: current}
}

// SetETag sets the ETag of a resource whose stream is at version (reads and writes).
func SetETag(c echo.Context, version uint64) {
	c.Response().Header().Set(HeaderETag, formatETag(version))
}

// Appended is what a write route calls after a successful append of n events to
// stream: it sets ETag: "<stream version>" and Ledger-Position: <global position> on
// the answer and counts the append in the metrics.
func Appended(c echo.Context, stream string, n int, res eventstore.AppendResult) {
	SetETag(c, res.Version)
	c.Response().Header().Set(HeaderLedgerPosition, strconv.FormatUint(res.Position, 10))
	CountAppend(c, stream, n)
}

// RetryConflict runs attempt (load, decide, append at the loaded version) and, when
// it meets a version conflict and the caller sent no If-Match, runs it once more on
// the fresh state: a concurrent writer then costs a retry, not a 409 (DESIGN §1). A
// caller who demanded a version with If-Match gets the 409: the version is gone.
func RetryConflict(c echo.Context, attempt func() error) error {
	err := attempt()
	if err == nil || !errors.Is(err, eventstore.ErrWrongExpectedVersion) {
		return err
	}
	if len(c.Request().Header.Values(HeaderIfMatch)) > 0 {
		return err
	}
	return attempt()
}
