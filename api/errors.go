package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/eventstore"
)

// ErrorMapper turns an error it recognises into a problem and returns nil for any
// other. Mappers registered with Server.MapErrors run before the built-in mapping.
type ErrorMapper func(error) *Problem

// RuleError is what a domain error implements to be answered 422 naming its rule.
// Its Error text becomes the problem's detail, so it must not carry patient data.
// If it also has RuleField() string, that field is named in errors[].
type RuleError interface {
	error
	RuleCode() string
}

type ruleFielder interface{ RuleField() string }

// MapErrors registers mappers for error kinds the built-in mapping does not know.
// Call it while registering routes, before the server starts.
func (s *Server) MapErrors(m ...ErrorMapper) { s.mappers = append(s.mappers, m...) }

// problemFor maps err to the problem to answer and whether the failure is the
// server's (logged at error level with the request id).
func (s *Server) problemFor(err error) (*Problem, bool) {
	var p *Problem
	if errors.As(err, &p) {
		cp := *p
		return &cp, cp.Status >= 500
	}
	for _, m := range s.mappers {
		if p := m(err); p != nil {
			return p, p.Status >= 500
		}
	}
	var re RuleError
	if errors.As(err, &re) {
		field := ""
		if f, ok := re.(ruleFielder); ok {
			field = f.RuleField()
		}
		return RuleViolation(re.RuleCode(), field, re.Error()), false
	}
	if p := storeProblem(err); p != nil {
		return p, p.Status >= 500
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return httpErrorProblem(he.Code), he.Code >= 500
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge(mb.Limit), false
	}
	if errors.Is(err, context.Canceled) {
		return unavailableProblem("the request was cancelled"), false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return unavailableProblem("the request took too long; retry"), true
	}
	return internalProblem(), true
}

func storeProblem(err error) *Problem {
	var wev *eventstore.WrongExpectedVersionError
	switch {
	case errors.As(err, &wev):
		p := NewProblem(http.StatusConflict, TypeVersionConflict, "Version conflict",
			versionConflictDetail(wev.Actual))
		actual := wev.Actual
		p.CurrentVersion = &actual
		return p
	case errors.Is(err, eventstore.ErrWrongExpectedVersion):
		return NewProblem(http.StatusConflict, TypeVersionConflict, "Version conflict",
			"the resource changed since the version demanded; read it again and retry")
	case errors.Is(err, eventstore.ErrIdempotencyConflict):
		return NewProblem(http.StatusConflict, TypeIdempotencyReused, "Idempotency conflict",
			"an Idempotency-Key or event id was already used for a different request")
	case errors.Is(err, eventstore.ErrStreamNotFound):
		return NotFound("resource")
	case errors.Is(err, eventstore.ErrInvalidEvent):
		var ie *eventstore.InvalidEventError
		if errors.As(err, &ie) {
			return RuleViolation("event_store_limits", "", fmt.Sprintf("the event store refuses the event: %s %s", ie.Field, ie.Rule))
		}
		return RuleViolation("event_store_limits", "", "the event store refuses the event")
	case errors.Is(err, eventstore.ErrClosed), errors.Is(err, eventstore.ErrStorage), errors.Is(err, eventstore.ErrLocked):
		return unavailableProblem("the event store is unavailable; retry later")
	}
	return nil
}

func versionConflictDetail(actual int64) string {
	if actual < 0 {
		return "the resource does not exist yet"
	}
	return fmt.Sprintf("the resource is at version %d; read it again and retry", actual)
}

func httpErrorProblem(code int) *Problem {
	switch code {
	case http.StatusNotFound:
		return NewProblem(code, TypeNotFound, "Not found", "no such route")
	case http.StatusMethodNotAllowed:
		return NewProblem(code, TypeMethodNotAllowed, "Method not allowed", "the route does not accept this method")
	case http.StatusRequestEntityTooLarge:
		return NewProblem(code, TypeTooLarge, "Request too large", "the request body is too large")
	case http.StatusUnauthorized:
		return unauthenticated("a bearer credential is required")
	case http.StatusForbidden:
		return NewProblem(code, TypeForbidden, "Forbidden", "the caller's role may not use this route")
	}
	if code >= 500 {
		return internalProblem()
	}
	return BadRequest(http.StatusText(code))
}

func tooLarge(limit int64) *Problem {
	return NewProblem(http.StatusRequestEntityTooLarge, TypeTooLarge, "Request too large",
		fmt.Sprintf("the request body exceeds %d bytes", limit))
}

// handleError is Echo's HTTPErrorHandler: every error, from routing, middleware or a
// handler, leaves as problem+json. Server-side failures are logged with the request
// id and answered with a generic detail, never the error text or a stack.
func (s *Server) handleError(err error, c echo.Context) {
	p, internal := s.problemFor(err)
	p.RequestID = RequestID(c)
	if internal {
		s.log.LogAttrs(c.Request().Context(), slog.LevelError, "request failed",
			slog.String("request_id", p.RequestID), slog.String("route", routeLabel(c)),
			slog.String("error", err.Error()))
	}
	if c.Response().Committed {
		return
	}
	writeProblem(c, p)
}

func writeProblem(c echo.Context, p *Problem) {
	h := c.Response().Header()
	if p.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	if p.CurrentVersion != nil && *p.CurrentVersion >= 0 {
		h.Set(HeaderETag, formatETag(uint64(*p.CurrentVersion)))
	}
	if p.Status == http.StatusUnauthorized {
		h.Set(echo.HeaderWWWAuthenticate, `Bearer realm="ledger"`)
	}
	b, err := json.Marshal(p)
	if err != nil {
		b = []byte(`{"type":"` + TypeInternal + `","title":"Internal error","status":500}`)
		p.Status = http.StatusInternalServerError
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	_ = c.Blob(p.Status, ProblemContentType, b)
}
