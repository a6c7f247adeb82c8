package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

func readinessOf(t *testing.T, env *testEnv) (int, readiness) {
	t.Helper()
	rec := env.do(t, call{method: http.MethodGet, path: "/readyz"})
	var r readiness
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &r))
	return rec.Code, r
}

func TestHealthzNeedsNoCredential(t *testing.T) {
	env := newEnv(t, nil)
	rec := env.do(t, call{method: http.MethodGet, path: "/healthz"})
	require.Equal(t, http.StatusOK, rec.Code)
	require.JSONEq(t, `{"status":"ok"}`, rec.Body.String())
}

func TestReadyzFollowsStoreAndProjections(t *testing.T) {
	st := openStore(t)
	prog := newFakeProgress(0, false)
	env := newEnv(t, func(o *Options) { o.Store = st; o.Progress = prog })

	code, r := readinessOf(t, env)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, readiness{Status: "not_ready", Checks: map[string]string{"server": "serving", "store": "ok", "projections": "catching_up"}}, r)

	prog.mu.Lock()
	prog.caught = true
	prog.mu.Unlock()
	code, r = readinessOf(t, env)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, readiness{Status: "ready", Checks: map[string]string{"server": "serving", "store": "ok", "projections": "caught_up"}}, r)

	prog.mu.Lock()
	prog.caught, prog.err = false, errors.New("pathways cannot apply event e1 (ClockStopped) at position 512")
	prog.mu.Unlock()
	code, r = readinessOf(t, env)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, readiness{Status: "not_ready", Checks: map[string]string{"server": "serving", "store": "ok", "projections": "stopped"}}, r,
		"a runner stopped on an event is not catching up: no wait mends it")

	require.NoError(t, st.Close())
	code, r = readinessOf(t, env)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "unavailable", r.Checks["store"])
}

func TestReadyzWithoutProjections(t *testing.T) {
	env := newEnv(t, func(o *Options) { o.Store = openStore(t) })
	code, r := readinessOf(t, env)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "none", r.Checks["projections"])
}

func TestMetricsExposeLatencyAppendsAndLag(t *testing.T) {
	st := openStore(t)
	_, err := st.Append(t.Context(), "pathway-1", eventstore.NoStream(), eventstore.EventData{
		Type: "ReferralReceived", SchemaVersion: 1, OccurredOn: "2025-01-06",
		Actor: eventstore.Actor{User: "u", Role: "booking"}, Data: []byte(`{}`)},
		eventstore.EventData{Type: "ClockStarted", SchemaVersion: 1, OccurredOn: "2025-01-06",
			Actor: eventstore.Actor{User: "u", Role: "booking"}, Data: []byte(`{}`)})
	require.NoError(t, err)
	prog := newFakeProgress(0, false)
	env := newEnv(t, func(o *Options) { o.Store = st; o.Progress = prog })
	env.srv.Group("/pathways", CommandRoles).POST("/:id/offers", func(c echo.Context) error {
		Appended(c, "pathway-"+c.Param("id"), 3, eventstore.AppendResult{Version: 2, Position: 9})
		return c.NoContent(http.StatusCreated)
	})
	require.Equal(t, http.StatusCreated, env.do(t, call{method: http.MethodPost, path: "/v1/pathways/9/offers", token: env.tok[RoleBooking]}).Code)
	problemOf(t, env.do(t, call{method: http.MethodGet, path: "/v1/pathways/9/offers", token: env.tok[RoleBooking]}), http.StatusMethodNotAllowed)

	rec := env.do(t, call{method: http.MethodGet, path: "/metrics"})
	require.Equal(t, http.StatusOK, rec.Code)
	body := rec.Body.String()
	for _, want := range []string{
		`ledger_http_request_duration_seconds_count{method="POST",route="/v1/pathways/:id/offers",status="201"} 1`,
		`ledger_appends_total{stream_type="pathway"} 1`,
		`ledger_appended_events_total{stream_type="pathway"} 3`,
		`ledger_store_head_position 2`,
		`ledger_projection_position 0`,
		`ledger_projection_lag_events 2`,
		`go_goroutines`,
	} {
		require.Contains(t, body, want)
	}
	require.NotContains(t, body, `/v1/pathways/9`, "labels carry templates, never ids")

	prog.advance(2)
	rec = env.do(t, call{method: http.MethodGet, path: "/metrics"})
	require.Contains(t, rec.Body.String(), "ledger_projection_lag_events 0")
}

func TestStreamTypeLabelsAreBounded(t *testing.T) {
	for in, want := range map[string]string{
		"pathway-0f4d6a2e": "pathway", "session-1": "session", "Pathway-1": "other",
		"9434765919": "other", "": "other", "x_y-1": "other", strings.Repeat("a", 33) + "-1": "other",
	} {
		require.Equal(t, want, streamType(in), in)
	}
}

// Shutdown drains: a request in flight when the signal comes still gets its answer,
// new connections are refused, and /readyz reports shutting_down meanwhile.
func TestServeDrainsInFlightRequestsOnShutdown(t *testing.T) {
	env := newEnv(t, nil)
	entered, release := make(chan struct{}), make(chan struct{})
	env.srv.Group("/slow", ReportRoles).GET("", func(c echo.Context) error {
		close(entered)
		<-release
		return c.String(http.StatusOK, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- env.srv.Serve(ctx, ln) }()

	type answer struct {
		code int
		body string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/slow", nil)
		req.Header.Set("Authorization", "Bearer "+env.tok[RoleReader])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- answer{code: resp.StatusCode, body: string(b)}
	}()
	<-entered
	cancel()
	require.Eventually(t, func() bool { return env.srv.draining.Load() }, 5*time.Second, time.Millisecond)
	code, r := readinessOf(t, env)
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "shutting_down", r.Checks["server"])
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	a := <-got
	require.NoError(t, a.err)
	require.Equal(t, http.StatusOK, a.code)
	require.Equal(t, "finished", a.body)
	require.NoError(t, <-served)
	_, err = http.Get(base + "/healthz")
	require.Error(t, err, "the listener is closed")
}
