package v1_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/api/openapi"
	"github.com/pathway-ledger/ledger/api/tokens"
	v1 "github.com/pathway-ledger/ledger/api/v1"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/internal/httpscenarios"
	"github.com/pathway-ledger/ledger/process/booking"
	"github.com/pathway-ledger/ledger/projections"
	"github.com/pathway-ledger/ledger/projections/pathways"
	"github.com/pathway-ledger/ledger/projections/sessions"
	"github.com/pathway-ledger/ledger/rtt"
)

// faultyStore can refuse appends to pathway streams, as a process killed between
// a session append and the pathway append would leave them.
type faultyStore struct {
	eventstore.Store
	failPathways atomic.Bool
}

func (s *faultyStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, evs ...eventstore.EventData) (eventstore.AppendResult, error) {
	if s.failPathways.Load() && strings.HasPrefix(stream, "pathway-") {
		return eventstore.AppendResult{}, fmt.Errorf("%w: killed before the pathway append", eventstore.ErrStorage)
	}
	return s.Store.Append(ctx, stream, expected, evs...)
}

// HeadPosition passes through, so the runner measures its lag as with the engine.
func (s *faultyStore) HeadPosition(ctx context.Context) (uint64, error) {
	return s.Store.(projections.HeadReader).HeadPosition(ctx)
}

const adminToken = "admin-token-for-tests-0123456789"

// runnerProgress adapts the runner to api.Progress.
type runnerProgress struct{ r *projections.Runner }

func (p runnerProgress) Position() uint64 { return p.r.Position() }
func (p runnerProgress) CaughtUp() bool   { return p.r.CaughtUp() }
func (p runnerProgress) WaitFor(ctx context.Context, pos uint64) error {
	return p.r.WaitFor(ctx, pos)
}

// env is a server on a fresh embedded store with its read models running, one
// client per role, and every exchange checked against the OpenAPI document.
type env struct {
	srv      *api.Server
	store    *faultyStore
	runner   *projections.Runner
	model    *pathways.ReadModel
	sessions *sessions.ReadModel
	tracker  *booking.Tracker
	worker   *booking.Worker
	url      string
	team     httpscenarios.Team
	admin    *httpscenarios.Client
	anon     *httpscenarios.Client
	roles    map[api.Role]*httpscenarios.Client
}

func newEnv(t *testing.T) *env { return newEnvAt(t, nil) }

// newEnvAt is newEnv with the server's clock fixed (nil: the real clock). The booking
// worker is not running: tests drain it when they mean to.
func newEnvAt(t *testing.T, now func() time.Time) *env {
	t.Helper()
	dir := t.TempDir()
	disk, err := sqlite.Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { _ = disk.Close() })
	store := &faultyStore{Store: disk}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	model, sessionsModel, tracker := pathways.New(pathways.WithLoader(pathways.StoreLoader(store)), pathways.WithRecent(1)), sessions.New(), booking.NewTracker()
	runner, err := projections.NewRunner(store, dir, log, model, sessionsModel, tracker)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	require.NoError(t, runner.Start(ctx))
	t.Cleanup(func() { _ = runner.Close() })
	toks, err := tokens.Open(dir)
	require.NoError(t, err)
	srv, err := api.New(api.Options{Store: store, Progress: runnerProgress{runner}, Tokens: toks,
		AdminToken: adminToken, Logger: log, AfterWait: 5 * time.Second})
	require.NoError(t, err)
	today := func() rtt.Date {
		if now != nil {
			return rtt.DateOf(now())
		}
		return rtt.DateOf(time.Now())
	}
	worker := &booking.Worker{Store: store, Tracker: tracker, Today: today, Log: log}
	v1.Register(srv, &v1.Deps{Store: store, Pathways: model, Sessions: sessionsModel, Bookings: worker,
		Projections: runner, Logger: log, Now: now})
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)

	validator := openapi.NewValidator(t)
	check := func(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
		validator.Check(t, req, status, header, body)
	}
	e := &env{srv: srv, store: store, runner: runner, model: model, sessions: sessionsModel, tracker: tracker, worker: worker,
		url: hs.URL, roles: map[api.Role]*httpscenarios.Client{}}
	base := &httpscenarios.Client{Base: hs.URL, Check: check}
	for _, role := range api.AllRoles() {
		secret, _, err := toks.Create("user-"+string(role), string(role))
		require.NoError(t, err)
		e.roles[role] = base.As(secret)
	}
	e.admin = base.As(adminToken)
	e.anon = base.As("")
	e.team = httpscenarios.Team{Booking: e.roles[api.RoleBooking], Validator: e.roles[api.RoleValidator],
		Auditor: e.roles[api.RoleAuditor], Reader: e.roles[api.RoleReader]}
	return e
}
