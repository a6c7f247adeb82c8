package api

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/eventstore"
)

// HeaderIdempotencyKey makes a write safe to retry (IETF httpapi Idempotency-Key).
const HeaderIdempotencyKey = "Idempotency-Key"

// IdempotencyNamespace is the fixed UUIDv5 namespace of ids derived from keys. It must
// never change: ids derived before and after a change would differ, and a retry
// across the change would append twice.
var IdempotencyNamespace = uuid.MustParse("794d05f6-8d01-4577-9cd4-f4555e480e9c")

const maxIdempotencyKey = 255

// Idempotency is a write request's Idempotency-Key scoped to its caller, method and
// path. With a key, every id it derives is the same on every retry of that request,
// so the store's idempotent append turns a retried append into the original result
// (same ids, same content) or an idempotency conflict (same ids, other content).
type Idempotency struct {
	key   string
	scope string
}

// IdempotencyFrom reads the request's Idempotency-Key: an sf-string ("key") or a
// bare key, 1-255 printable ASCII characters. A malformed key is a 400 problem.
func IdempotencyFrom(c echo.Context) (Idempotency, error) {
	values := c.Request().Header.Values(HeaderIdempotencyKey)
	if len(values) == 0 {
		return Idempotency{}, nil
	}
	key, ok := "", len(values) == 1
	if ok {
		key, ok = parseIdempotencyKey(values[0])
	}
	if !ok {
		return Idempotency{}, BadRequest("the Idempotency-Key header is malformed", FieldError{
			Field: HeaderIdempotencyKey, Detail: "must be one key of 1 to 255 printable ASCII characters"})
	}
	p, _ := PrincipalFrom(c)
	scope := p.User + "\x00" + c.Request().Method + "\x00" + c.Request().URL.EscapedPath()
	return Idempotency{key: key, scope: scope}, nil
}

func parseIdempotencyKey(v string) (string, bool) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	if v == "" || len(v) > maxIdempotencyKey {
		return "", false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e || v[i] == '"' || v[i] == '\\' {
			return "", false
		}
	}
	return v, true
}

// Present reports whether the request carried a key.
func (i Idempotency) Present() bool { return i.key != "" }

// Key is the key as sent (without quotes).
func (i Idempotency) Key() string { return i.key }

// DeriveID is the UUIDv5 of (scope, key, purpose) in IdempotencyNamespace.
func DeriveID(scope, key, purpose string) string {
	return uuid.NewSHA1(IdempotencyNamespace, []byte("ledger-idempotency/v1\x00"+scope+"\x00"+key+"\x00"+purpose)).String()
}

// NewID returns an id for a resource the request creates (e.g. purpose "pathway_id"
// when the body names none): derived from the key when there is one, so a retry
// addresses the same stream, and a fresh UUID v7 otherwise.
func (i Idempotency) NewID(purpose string) (string, error) {
	if i.Present() {
		return DeriveID(i.scope, i.key, purpose), nil
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// EventIDs returns n event ids: derived ("event/0", "event/1", ...) with a key, and
// empty strings without one (the store then assigns UUID v7s).
func (i Idempotency) EventIDs(n int) []string {
	ids := make([]string, n)
	if i.Present() {
		for k := range ids {
			ids[k] = DeriveID(i.scope, i.key, "event/"+strconv.Itoa(k))
		}
	}
	return ids
}

// Stamp gives every event without an id its derived id (nothing without a key).
func (i Idempotency) Stamp(events []eventstore.EventData) {
	if !i.Present() {
		return
	}
	for k, id := range i.EventIDs(len(events)) {
		if events[k].EventID == "" {
			events[k].EventID = id
		}
	}
}

func idempotencyReused() *Problem {
	return NewProblem(http.StatusConflict, TypeIdempotencyReused, "Idempotency conflict",
		"this Idempotency-Key was already used for a different request")
}

func idempotencyPending() *Problem {
	p := NewProblem(http.StatusConflict, TypeIdempotencyPending, "Request in progress",
		"a request with this Idempotency-Key is still being processed; retry shortly")
	p.RetryAfter = 1
	return p
}
