package v1_test

import (
	"context"
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

// While the read models are still being restored, reads of them answer 503 with
// Retry-After instead of a partial list; reads of a stream need no read model.
func TestReadModelReadsWaitForRestore(t *testing.T) {
	store, err := sqlite.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := api.New(api.Options{Store: store, AdminToken: adminToken, Logger: log})
	require.NoError(t, err)
	ready := &restoring{}
	v1.Register(srv, &v1.Deps{Store: store, Pathways: pathways.New(pathways.WithLoader(pathways.StoreLoader(store))), Sessions: sessions.New(), Logger: log,
		Ready: ready, ReadyWait: 50 * time.Millisecond})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	get := func(path string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp
	}
	for _, path := range []string{"/v1/waiting-list", "/v1/reports/rtt?on=2026-10-31", "/v1/sessions",
		"/v1/reports/session-utilisation", "/v1/reports/twenty-eight-day"} {
		resp := get(path)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, path)
		assert.Equal(t, "1", resp.Header.Get("Retry-After"), path)
		assert.Contains(t, resp.Header.Get("Content-Type"), "application/problem+json", path)
	}
	assert.Equal(t, http.StatusNotFound, get("/v1/pathways/5ce0a710-0000-4000-8000-000000000001").StatusCode,
		"a pathway is read from its stream, not a read model")
	ready.ready.Store(true)
	assert.Equal(t, http.StatusOK, get("/v1/waiting-list").StatusCode)
	assert.Equal(t, http.StatusOK, get("/v1/sessions").StatusCode)
}
