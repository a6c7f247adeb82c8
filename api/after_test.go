package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"
)

func mountRead(env *testEnv) {
	env.srv.Group("/ptl", ReportRoles).GET("", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]any{"items": []string{}})
	})
}

func TestAfterIsServedOnceProjectionsReachIt(t *testing.T) {
	prog := newFakeProgress(10, true)
	env := newEnv(t, func(o *Options) { o.Progress = prog; o.AfterWait = 5 * time.Second })
	mountRead(env)

	rec := env.do(t, call{method: http.MethodGet, path: "/v1/ptl?after=10", token: env.tok[RoleReader]})
	require.Equal(t, http.StatusOK, rec.Code, "already there")

	done := make(chan int)
	go func() {
		done <- env.do(t, call{method: http.MethodGet, path: "/v1/ptl?after=12", token: env.tok[RoleReader]}).Code
	}()
	select {
	case code := <-done:
		t.Fatalf("answered %d before the projections reached 12", code)
	case <-time.After(50 * time.Millisecond):
	}
	prog.advance(11)
	prog.advance(12)
	require.Equal(t, http.StatusOK, <-done)
}

func TestAfterNotReachedIs503WithRetryAfter(t *testing.T) {
	prog := newFakeProgress(3, false)
	env := newEnv(t, func(o *Options) { o.Progress = prog; o.AfterWait = 30 * time.Millisecond })
	mountRead(env)
	rec := env.do(t, call{method: http.MethodGet, path: "/v1/ptl?after=7", token: env.tok[RoleReader]})
	p := problemOf(t, rec, http.StatusServiceUnavailable)
	require.Equal(t, TypeNotCaughtUp, p.Type)
	require.Equal(t, "the read models have not yet reached position 7 (at 3); retry", p.Detail)
	require.Equal(t, "1", rec.Header().Get("Retry-After"))
}

func TestAfterMustBeAPosition(t *testing.T) {
	env := newEnv(t, func(o *Options) { o.Progress = newFakeProgress(0, true) })
	mountRead(env)
	for _, bad := range []string{"-1", "abc", "1.5", "007", "99999999999999999999999"} {
		rec := env.do(t, call{method: http.MethodGet, path: "/v1/ptl?after=" + bad, token: env.tok[RoleReader]})
		p := problemOf(t, rec, http.StatusBadRequest)
		require.Equal(t, []FieldError{{Field: "after", Detail: "must be a global position (a non-negative integer)"}}, p.Errors, bad)
	}
}

func TestAfterWithoutProjectionsDoesNotWait(t *testing.T) {
	env := newEnv(t, nil)
	mountRead(env)
	rec := env.do(t, call{method: http.MethodGet, path: "/v1/ptl?after=1000", token: env.tok[RoleReader]})
	require.Equal(t, http.StatusOK, rec.Code)
}

func TestAfterIsCheckedOnlyAfterRoles(t *testing.T) {
	prog := newFakeProgress(0, false)
	env := newEnv(t, func(o *Options) { o.Progress = prog; o.AfterWait = time.Hour })
	mountRead(env)
	rec := env.do(t, call{method: http.MethodGet, path: "/v1/ptl?after=5", token: env.tok[RoleBooking]})
	problemOf(t, rec, http.StatusForbidden)
}

func TestAwaitPositionFromRouteCode(t *testing.T) {
	prog := newFakeProgress(4, true)
	env := newEnv(t, func(o *Options) { o.Progress = prog; o.AfterWait = 20 * time.Millisecond })
	env.srv.Group("/custom", ReportRoles).GET("/:pos", func(c echo.Context) error {
		pos, _ := parseVersion(c.Param("pos"))
		if err := AwaitPosition(c, pos); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	})
	require.Equal(t, http.StatusNoContent, env.do(t, call{method: http.MethodGet, path: "/v1/custom/4", token: env.tok[RoleReader]}).Code)
	problemOf(t, env.do(t, call{method: http.MethodGet, path: "/v1/custom/5", token: env.tok[RoleReader]}), http.StatusServiceUnavailable)
}
