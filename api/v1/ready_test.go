package v1_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api"
	v1 "github.com/pathway-ledger/ledger/api/v1"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/projections"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/projections/sessions"
)

// restoring is read models that serve reads only once ready is set.
type restoring struct{ ready atomic.Bool }

func (r *restoring) Position() uint64 { return 0 }
func (r *restoring) CaughtUp() bool   { return r.ready.Load() }
func (r *restoring) WaitFor(ctx context.Context, _ uint64) error {
	for !r.ready.Load() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// readyServer serves v1 with ready gating its read models; get returns a
// response and its body.
func readyServer(t *testing.T, ready api.Progress) func(path string) (*http.Response, string) {
	store, err := sqlite.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := api.New(api.Options{Store: store, AdminToken: adminToken, Logger: log})
	require.NoError(t, err)
	v1.Register(srv, &v1.Deps{Store: store, Pathways: pathways.New(pathways.WithLoader(pathways.StoreLoader(store))), Sessions: sessions.New(), Logger: log,
		Ready: ready, ReadyWait: 50 * time.Millisecond})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return func(path string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		return resp, string(body)
	}
}

// While the read models are still being restored, reads of them answer 503 with
// Retry-After instead of a partial list; reads of a stream need no read model.
func TestReadModelReadsWaitForRestore(t *testing.T) {
	ready := &restoring{}
	get := readyServer(t, ready)
	for _, path := range []string{"/v1/waiting-list", "/v1/reports/rtt?on=2026-10-31", "/v1/sessions",
		"/v1/reports/session-utilisation", "/v1/reports/twenty-eight-day"} {
		resp, _ := get(path)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, path)
		assert.Equal(t, "1", resp.Header.Get("Retry-After"), path)
		assert.Contains(t, resp.Header.Get("Content-Type"), "application/problem+json", path)
	}
	resp, _ := get("/v1/pathways/5ce0a710-0000-4000-8000-000000000001")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "a pathway is read from its stream, not a read model")
	ready.ready.Store(true)
	resp, _ = get("/v1/waiting-list")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, _ = get("/v1/sessions")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

// /readyz tells "stopped" from "catching_up" through the runner's Err, which
// api.Progress does not name: the real runner must keep offering it.
var _ interface{ Err() error } = (*projections.Runner)(nil)

// poisoned is a runner stopped on an event a projection refused; WaitFor wraps
// the ApplyError as the runner's does.
type poisoned struct{}

func (poisoned) Position() uint64 { return 511 }
func (poisoned) CaughtUp() bool   { return false }
func (poisoned) WaitFor(context.Context, uint64) error {
	return fmt.Errorf("%w: %w", projections.ErrStopped, &projections.ApplyError{Projection: "pathways", Position: 512,
		EventID: "poison-event-id", EventType: "ClockStopped", Err: errors.New("code table full")})
}

// A runner stopped on an event it cannot apply is not a wait: the 503 says so, and
// asks for no retry.
func TestReadModelReadsSayWhenTheProjectionsStoppedOnAnEvent(t *testing.T) {
	get := readyServer(t, poisoned{})
	resp, body := get("/v1/waiting-list")
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Retry-After"))
	assert.Contains(t, body, "stopped on an event they could not apply")
	assert.NotContains(t, body, "poison-event-id", "event ids and the cause stay in the log and the admin route")
}
