package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// ruleErr stands in for the domain's rule errors (pathway.RuleError).
type ruleErr struct{ rule, field, detail string }

func (e ruleErr) Error() string     { return e.detail }
func (e ruleErr) RuleCode() string  { return e.rule }
func (e ruleErr) RuleField() string { return e.field }

type ruleOnly struct{}

func (ruleOnly) Error() string    { return "the pathway is closed" }
func (ruleOnly) RuleCode() string { return "pathway_closed" }

var errCustom = errors.New("custom kind")

func TestErrorsMapToProblems(t *testing.T) {
	cases := []struct {
		name    string
		err     error
		status  int
		typ     string
		detail  string
		rule    string
		fields  []FieldError
		version *int64
		retry   string
	}{
		{name: "problem as is", err: BadRequest("bad", FieldError{Field: "x", Detail: "is required"}),
			status: 400, typ: TypeMalformed, detail: "bad", fields: []FieldError{{Field: "x", Detail: "is required"}}},
		{name: "wrapped problem", err: fmt.Errorf("ctx: %w", NotFound("pathway")),
			status: 404, typ: TypeNotFound, detail: "pathway not found"},
		{name: "wrong expected version", err: fmt.Errorf("append: %w", &eventstore.WrongExpectedVersionError{Stream: "pathway-1", Expected: eventstore.Exact(2), Actual: 4}),
			status: 409, typ: TypeVersionConflict, detail: "the resource is at version 4; read it again and retry", version: ptr(int64(4))},
		{name: "no stream yet", err: &eventstore.WrongExpectedVersionError{Stream: "pathway-1", Expected: eventstore.StreamExists(), Actual: -1},
			status: 409, typ: TypeVersionConflict, detail: "the resource does not exist yet", version: ptr(int64(-1))},
		{name: "idempotency conflict", err: fmt.Errorf("%w: event x", eventstore.ErrIdempotencyConflict),
			status: 409, typ: TypeIdempotencyReused},
		{name: "stream not found", err: eventstore.ErrStreamNotFound, status: 404, typ: TypeNotFound, detail: "resource not found"},
		{name: "rule with field", err: fmt.Errorf("decide: %w", ruleErr{"stop_before_start", "occurred_on", "a clock stop cannot precede its start"}),
			status: 422, typ: TypeRuleViolation, rule: "stop_before_start", detail: "a clock stop cannot precede its start",
			fields: []FieldError{{Field: "occurred_on", Detail: "a clock stop cannot precede its start"}}},
		{name: "rule without field", err: ruleOnly{}, status: 422, typ: TypeRuleViolation, rule: "pathway_closed", detail: "the pathway is closed"},
		{name: "invalid event", err: fmt.Errorf("event 0: %w", &eventstore.InvalidEventError{Field: "data", Rule: "at most 4194304 bytes"}),
			status: 422, typ: TypeRuleViolation, rule: "event_store_limits", detail: "the event store refuses the event: data at most 4194304 bytes"},
		{name: "store storage", err: fmt.Errorf("%w: disk full", eventstore.ErrStorage), status: 503, typ: TypeUnavailable, retry: "1"},
		{name: "store closed", err: eventstore.ErrClosed, status: 503, typ: TypeUnavailable, retry: "1"},
		{name: "deadline", err: context.DeadlineExceeded, status: 503, typ: TypeUnavailable, retry: "1"},
		{name: "registered mapper", err: fmt.Errorf("x: %w", errCustom), status: 418, typ: "urn:test:teapot"},
		{name: "anything else", err: errors.New("secret internals NHS 9434765919"), status: 500, typ: TypeInternal,
			detail: "the server failed to handle the request; quote the request id to the operator"},
		{name: "echo 404", err: echo.ErrNotFound, status: 404, typ: TypeNotFound, detail: "no such route"},
		{name: "max bytes", err: &http.MaxBytesError{Limit: 10}, status: 413, typ: TypeTooLarge, detail: "the request body exceeds 10 bytes"},
	}
	env := newEnv(t, nil)
	env.srv.MapErrors(func(err error) *Problem {
		if errors.Is(err, errCustom) {
			return NewProblem(418, "urn:test:teapot", "Teapot", "")
		}
		return nil
	})
	current := 0
	env.srv.Group("/err", ReportRoles).GET("", func(c echo.Context) error { return cases[current].err })
	for i, tc := range cases {
		current = i
		rec := env.do(t, call{method: http.MethodGet, path: "/v1/err", token: env.tok[RoleReader]})
		p := problemOf(t, rec, tc.status)
		require.Equal(t, tc.typ, p.Type, tc.name)
		if tc.detail != "" {
			require.Equal(t, tc.detail, p.Detail, tc.name)
		}
		require.Equal(t, tc.rule, p.Rule, tc.name)
		require.Equal(t, tc.fields, p.Errors, tc.name)
		require.Equal(t, tc.version, p.CurrentVersion, tc.name)
		require.Equal(t, tc.retry, rec.Header().Get("Retry-After"), tc.name)
		require.NotContains(t, rec.Body.String(), "secret internals", tc.name)
		require.NotContains(t, rec.Body.String(), "9434765919", tc.name)
	}
	logs := env.logs.String()
	require.Contains(t, logs, `"msg":"request failed"`, "a 500 is logged with its cause")
	require.Contains(t, logs, "secret internals")
}

func TestVersionConflictCarriesCurrentETag(t *testing.T) {
	env := newEnv(t, nil)
	env.srv.Group("/c", CommandRoles).POST("", func(c echo.Context) error {
		return CheckVersion("pathway-1", eventstore.Exact(1), 3)
	})
	rec := env.do(t, call{method: http.MethodPost, path: "/v1/c", token: env.tok[RoleBooking]})
	p := problemOf(t, rec, http.StatusConflict)
	require.Equal(t, int64(3), *p.CurrentVersion)
	require.Equal(t, `"3"`, rec.Header().Get("ETag"))
}

func TestPanicsAre500WithoutStack(t *testing.T) {
	env := newEnv(t, nil)
	env.srv.Group("/panic", ReportRoles).GET("", func(c echo.Context) error { panic("boom in handler") })
	rec := env.do(t, call{method: http.MethodGet, path: "/v1/panic", token: env.tok[RoleReader]})
	p := problemOf(t, rec, http.StatusInternalServerError)
	require.Equal(t, TypeInternal, p.Type)
	require.NotContains(t, rec.Body.String(), "boom")
	require.NotContains(t, rec.Body.String(), "goroutine")
	require.Contains(t, env.logs.String(), `"msg":"panic"`)
	require.Contains(t, env.logs.String(), `"request_id":"`+p.RequestID+`"`)
}

func TestHeadErrorsHaveNoBody(t *testing.T) {
	env := newEnv(t, nil)
	rec := env.do(t, call{method: http.MethodHead, path: "/v1/nowhere", token: env.tok[RoleReader]})
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Zero(t, rec.Body.Len())
}

func TestRequestLogsCarryRouteTemplateNotPath(t *testing.T) {
	env := newEnv(t, nil)
	env.srv.Group("/pathways", ReadRoles).GET("/:id", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	rec := env.do(t, call{method: http.MethodGet, path: "/v1/pathways/0f4d6a2e-8a9b-4c1d-9e2f-3a4b5c6d7e8f?nhs_number=9434765919",
		token: env.tok[RoleValidator], header: map[string]string{HeaderRequestID: "gw-123"}})
	require.Equal(t, http.StatusNoContent, rec.Code)
	require.Equal(t, "gw-123", rec.Header().Get(HeaderRequestID), "a well-formed incoming id is kept")
	logs := env.logs.String()
	require.Contains(t, logs, `"route":"/v1/pathways/:id","status":204`)
	require.Contains(t, logs, `"request_id":"gw-123","user":"user-validator"`)
	require.NotContains(t, logs, "0f4d6a2e")
	require.NotContains(t, logs, "9434765919")

	problemOf(t, env.do(t, call{method: http.MethodGet, path: "/v1/pathways/0f4d6a2e-8a9b-4c1d-9e2f-3a4b5c6d7e8f"}), http.StatusUnauthorized)
	require.Contains(t, env.logs.String(), `"route":"/v1/pathways/:id","status":401`, "a refused request names the route it aimed at")
	problemOf(t, env.do(t, call{method: http.MethodGet, path: "/v1/elsewhere/0f4d6a2e"}), http.StatusUnauthorized)
	require.Contains(t, env.logs.String(), `"route":"unmatched","status":401`)

	rec = env.do(t, call{method: http.MethodGet, path: "/healthz", header: map[string]string{HeaderRequestID: "bad id\"with quotes"}})
	require.Regexp(t, `^[0-9a-f]{24}$`, rec.Header().Get(HeaderRequestID), "a malformed incoming id is replaced")
	require.False(t, strings.Contains(env.logs.String(), "with quotes"))
	require.NotContains(t, env.logs.String(), "0f4d6a2e", "no raw path in any line")
}

func ptr[T any](v T) *T { return &v }
