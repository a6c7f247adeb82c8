package api

import (
	"errors"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

func TestParseIfMatch(t *testing.T) {
	cases := []struct {
		in      string
		want    eventstore.ExpectedVersion
		present bool
		bad     string
	}{
		{in: "", want: eventstore.Any()},
		{in: "   ", want: eventstore.Any()},
		{in: `"0"`, want: eventstore.Exact(0), present: true},
		{in: `"17"`, want: eventstore.Exact(17), present: true},
		{in: ` "17" `, want: eventstore.Exact(17), present: true},
		{in: `"18446744073709551615"`, want: eventstore.Exact(18446744073709551615), present: true},
		{in: `*`, want: eventstore.StreamExists(), present: true},
		{in: `W/"3"`, present: true, bad: "weak entity tags cannot be used; send the ETag of a write or read as is"},
		{in: `"1", "2"`, present: true, bad: "must name exactly one version"},
		{in: `3`, present: true, bad: `must be a quoted stream version such as "3", or *`},
		{in: `"03"`, present: true, bad: `must be a quoted stream version such as "3", or *`},
		{in: `"-1"`, present: true, bad: `must be a quoted stream version such as "3", or *`},
		{in: `"3`, present: true, bad: `must be a quoted stream version such as "3", or *`},
		{in: `""`, present: true, bad: `must be a quoted stream version such as "3", or *`},
		{in: `"18446744073709551616"`, present: true, bad: `must be a quoted stream version such as "3", or *`},
		{in: `"abc"`, present: true, bad: `must be a quoted stream version such as "3", or *`},
	}
	for _, tc := range cases {
		got, present, err := ParseIfMatch(tc.in)
		require.Equal(t, tc.present, present, tc.in)
		if tc.bad != "" {
			var p *Problem
			require.True(t, errors.As(err, &p), "%q: %v", tc.in, err)
			require.Equal(t, http.StatusBadRequest, p.Status)
			require.Equal(t, []FieldError{{Field: "If-Match", Detail: tc.bad}}, p.Errors, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestCheckVersion(t *testing.T) {
	require.NoError(t, CheckVersion("s", eventstore.Any(), -1))
	require.NoError(t, CheckVersion("s", eventstore.Exact(2), 2))
	require.NoError(t, CheckVersion("s", eventstore.StreamExists(), 0))
	err := CheckVersion("s", eventstore.Exact(2), 3)
	var wev *eventstore.WrongExpectedVersionError
	require.ErrorAs(t, err, &wev)
	require.Equal(t, int64(3), wev.Actual)
	require.ErrorIs(t, CheckVersion("s", eventstore.StreamExists(), -1), eventstore.ErrWrongExpectedVersion)
}

// A write route as route files will write it: If-Match, append, Appended.
func TestWriteAnswersCarryETagAndLedgerPosition(t *testing.T) {
	env := newEnv(t, nil)
	stream := "pathway-0f4d6a2e-8a9b-4c1d-9e2f-3a4b5c6d7e8f"
	current := int64(4)
	env.srv.Group("/pathways", CommandRoles).POST("/:id/offers", func(c echo.Context) error {
		exp, err := IfMatch(c)
		if err != nil {
			return err
		}
		if err := CheckVersion(stream, exp, current); err != nil {
			return err
		}
		res := eventstore.AppendResult{Version: uint64(current) + 2, Position: 981}
		Appended(c, stream, 2, res)
		return c.JSON(http.StatusCreated, map[string]any{"stream_version": res.Version})
	})
	path := "/v1/pathways/0f4d6a2e-8a9b-4c1d-9e2f-3a4b5c6d7e8f/offers"

	rec := env.do(t, call{method: http.MethodPost, path: path, token: env.tok[RoleBooking], header: map[string]string{"If-Match": `"4"`}})
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.Equal(t, `"6"`, rec.Header().Get("ETag"))
	require.Equal(t, "981", rec.Header().Get("Ledger-Position"))

	rec = env.do(t, call{method: http.MethodPost, path: path, token: env.tok[RoleBooking]})
	require.Equal(t, http.StatusCreated, rec.Code, "If-Match is optional")

	rec = env.do(t, call{method: http.MethodPost, path: path, token: env.tok[RoleBooking], header: map[string]string{"If-Match": `"3"`}})
	p := problemOf(t, rec, http.StatusConflict)
	require.Equal(t, TypeVersionConflict, p.Type)
	require.Equal(t, `"4"`, rec.Header().Get("ETag"))
	require.Empty(t, rec.Header().Get("Ledger-Position"))

	rec = env.do(t, call{method: http.MethodPost, path: path, token: env.tok[RoleBooking], header: map[string]string{"If-Match": `W/"4"`}})
	problemOf(t, rec, http.StatusBadRequest)

	req := newChunkedRequest(t, path, "{}", env.tok[RoleBooking])
	req.Header.Add("If-Match", `"4"`)
	req.Header.Add("If-Match", `"5"`)
	p = problemOf(t, serve(env, req), http.StatusBadRequest)
	require.Equal(t, "must name exactly one version", p.Errors[0].Detail)
}

func TestRetryConflictRetriesOnceWithoutIfMatch(t *testing.T) {
	env := newEnv(t, nil)
	var attempts int
	failures := 0
	env.srv.Group("/r", CommandRoles).POST("", func(c echo.Context) error {
		attempts = 0
		return RetryConflict(c, func() error {
			attempts++
			if attempts <= failures {
				return &eventstore.WrongExpectedVersionError{Stream: "s", Expected: eventstore.Exact(1), Actual: 2}
			}
			return c.NoContent(http.StatusCreated)
		})
	})
	post := func(ifMatch string) int {
		req := call{method: http.MethodPost, path: "/v1/r", token: env.tok[RoleBooking], header: map[string]string{}}
		if ifMatch != "" {
			req.header["If-Match"] = ifMatch
		}
		return env.do(t, req).Code
	}
	failures = 1
	require.Equal(t, http.StatusCreated, post(""))
	require.Equal(t, 2, attempts)
	failures = 2
	require.Equal(t, http.StatusConflict, post(""), "only one retry")
	require.Equal(t, 2, attempts)
	failures = 1
	require.Equal(t, http.StatusConflict, post(`"1"`), "a demanded version is not retried")
	require.Equal(t, 1, attempts)
}
