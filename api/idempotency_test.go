package api

import (
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

func TestDeriveIDIsAStableUUIDv5(t *testing.T) {
	id := DeriveID("alice\x00POST\x00/v1/pathways", "k-1", "event/0")
	u, err := uuid.Parse(id)
	require.NoError(t, err)
	require.Equal(t, uuid.Version(5), u.Version())
	require.Equal(t, uuid.RFC4122, u.Variant())
	// The namespace and name layout are part of the ledger's durable behaviour: a
	// change would make retries across an upgrade append twice. The value was
	// computed independently with Python's uuid.uuid5.
	require.Equal(t, "2b9aca91-8a9e-50cd-b694-3c5166d30086", id)

	distinct := map[string]bool{}
	for _, in := range [][3]string{
		{"alice\x00POST\x00/v1/pathways", "k-1", "event/0"},
		{"alice\x00POST\x00/v1/pathways", "k-1", "event/1"},
		{"alice\x00POST\x00/v1/pathways", "k-2", "event/0"},
		{"bob\x00POST\x00/v1/pathways", "k-1", "event/0"},
		{"alice\x00POST\x00/v1/sessions", "k-1", "event/0"},
		{"alice\x00POST\x00/v1/pathways", "k-1", "pathway_id"},
	} {
		distinct[DeriveID(in[0], in[1], in[2])] = true
	}
	require.Len(t, distinct, 6)
}

func TestParseIdempotencyKey(t *testing.T) {
	for in, want := range map[string]string{`abc`: "abc", `"abc"`: "abc", `8e03978e-40d5-43e8-bc93-6894a57f9324`: "8e03978e-40d5-43e8-bc93-6894a57f9324", `a b`: "a b"} {
		got, ok := parseIdempotencyKey(in)
		require.True(t, ok, in)
		require.Equal(t, want, got)
	}
	long := make([]byte, 256)
	for i := range long {
		long[i] = 'k'
	}
	for _, bad := range []string{``, `""`, "tab\there", `qu"ote`, `back\slash`, "é", string(long)} {
		_, ok := parseIdempotencyKey(bad)
		require.False(t, ok, bad)
	}
}

type fakeRoute struct {
	store eventstore.Store
	calls atomic.Int32
	gate  chan struct{}
}

// mountCreate is a POST /v1/things route as route files write it: new id and event
// ids from the Idempotency-Key, append, Appended.
func mountCreate(env *testEnv, r *fakeRoute) {
	env.srv.Group("/things", CommandRoles).POST("", func(c echo.Context) error {
		r.calls.Add(1)
		if r.gate != nil {
			<-r.gate
		}
		var body struct {
			Name string `json:"name" required:"true"`
		}
		if err := Bind(c, &body); err != nil {
			return err
		}
		idem, err := IdempotencyFrom(c)
		if err != nil {
			return err
		}
		id, err := idem.NewID("thing_id")
		if err != nil {
			return err
		}
		data, _ := json.Marshal(body)
		events := []eventstore.EventData{
			{Type: "ThingMade", SchemaVersion: 1, OccurredOn: "2025-01-06", Actor: ActorFrom(c), Data: data},
			{Type: "ThingNamed", SchemaVersion: 1, OccurredOn: "2025-01-06", Actor: ActorFrom(c), Data: data},
		}
		idem.Stamp(events)
		stream := "thing-" + id
		res, err := r.store.Append(c.Request().Context(), stream, eventstore.Any(), events...)
		if err != nil {
			return err
		}
		Appended(c, stream, len(events), res)
		return c.JSON(http.StatusCreated, map[string]any{"thing_id": id, "stream_version": res.Version, "position": res.Position})
	})
}

func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func TestRetriedPostWithSameKeyAppendsNothingNew(t *testing.T) {
	st := openStore(t)
	env := newEnv(t, func(o *Options) { o.Store = st })
	route := &fakeRoute{store: st}
	mountCreate(env, route)
	post := func(key, body string) call {
		return call{method: http.MethodPost, path: "/v1/things", token: env.tok[RoleBooking], body: body,
			header: map[string]string{"Idempotency-Key": key}}
	}

	first := env.do(t, post("k-1", `{"name": "a"}`))
	require.Equal(t, http.StatusCreated, first.Code, first.Body.String())
	require.Empty(t, first.Header().Get(HeaderIdempotentReplayed))

	again := env.do(t, post("k-1", `{"name": "a"}`))
	require.Equal(t, http.StatusCreated, again.Code)
	require.Equal(t, first.Body.String(), again.Body.String())
	require.Equal(t, first.Header().Get("ETag"), again.Header().Get("ETag"))
	require.Equal(t, first.Header().Get("Ledger-Position"), again.Header().Get("Ledger-Position"))
	require.Equal(t, "true", again.Header().Get(HeaderIdempotentReplayed))
	require.Equal(t, int32(1), route.calls.Load(), "the replay did not run the handler")

	reused := env.do(t, post("k-1", `{"name": "b"}`))
	require.Equal(t, TypeIdempotencyReused, problemOf(t, reused, http.StatusConflict).Type)

	all, err := st.ReadAll(t.Context(), 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 2, "one append of two events")

	// Another process (or a restart) has no replay cache: the derived event ids make
	// the store return the original result and write nothing.
	srv2, err := New(Options{Store: st, Tokens: env.tokens})
	require.NoError(t, err)
	env2 := &testEnv{srv: srv2, tokens: env.tokens, logs: &logBuffer{}, tok: env.tok}
	mountCreate(env2, &fakeRoute{store: st})
	restarted := env2.do(t, post("k-1", `{"name": "a"}`))
	require.Equal(t, http.StatusCreated, restarted.Code, restarted.Body.String())
	require.JSONEq(t, first.Body.String(), restarted.Body.String())
	require.Empty(t, restarted.Header().Get(HeaderIdempotentReplayed))
	all, err = st.ReadAll(t.Context(), 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 2, "still one append")

	conflict := env2.do(t, post("k-1", `{"name": "c"}`))
	require.Equal(t, TypeIdempotencyReused, problemOf(t, conflict, http.StatusConflict).Type, "store-level conflict")

	other := env.do(t, post("k-2", `{"name": "a"}`))
	require.Equal(t, http.StatusCreated, other.Code)
	require.NotEqual(t, first.Body.String(), other.Body.String())
	all, err = st.ReadAll(t.Context(), 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 4)

	noKey := call{method: http.MethodPost, path: "/v1/things", token: env.tok[RoleBooking], body: `{"name": "a"}`}
	require.Equal(t, http.StatusCreated, env.do(t, noKey).Code)
	require.Equal(t, http.StatusCreated, env.do(t, noKey).Code)
	all, err = st.ReadAll(t.Context(), 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 8, "without a key every POST appends")
	for _, e := range all {
		require.Equal(t, eventstore.Actor{User: "user-booking", Role: "booking"}, e.Actor)
	}
}

func TestFailedRequestsAreNotReplayed(t *testing.T) {
	st := openStore(t)
	env := newEnv(t, nil)
	route := &fakeRoute{store: st}
	mountCreate(env, route)
	req := call{method: http.MethodPost, path: "/v1/things", token: env.tok[RoleBooking], body: `{}`,
		header: map[string]string{"Idempotency-Key": "k"}}
	problemOf(t, env.do(t, req), http.StatusBadRequest)
	problemOf(t, env.do(t, req), http.StatusBadRequest)
	require.Equal(t, int32(2), route.calls.Load())
}

func TestConcurrentRetryWhileFirstRunsIs409(t *testing.T) {
	st := openStore(t)
	env := newEnv(t, nil)
	route := &fakeRoute{store: st, gate: make(chan struct{})}
	mountCreate(env, route)
	req := call{method: http.MethodPost, path: "/v1/things", token: env.tok[RoleBooking], body: `{"name":"a"}`,
		header: map[string]string{"Idempotency-Key": "k"}}
	var wg sync.WaitGroup
	var first int
	wg.Add(1)
	go func() {
		defer wg.Done()
		first = env.do(t, req).Code
	}()
	require.Eventually(t, func() bool { return route.calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	rec := env.do(t, req)
	p := problemOf(t, rec, http.StatusConflict)
	require.Equal(t, TypeIdempotencyPending, p.Type)
	require.Equal(t, "1", rec.Header().Get("Retry-After"))
	close(route.gate)
	wg.Wait()
	require.Equal(t, http.StatusCreated, first)
}

func TestMalformedIdempotencyKeyIs400(t *testing.T) {
	env := newEnv(t, nil)
	mountCreate(env, &fakeRoute{store: openStore(t)})
	rec := env.do(t, call{method: http.MethodPost, path: "/v1/things", token: env.tok[RoleBooking], body: `{"name":"a"}`,
		header: map[string]string{"Idempotency-Key": `""`}})
	p := problemOf(t, rec, http.StatusBadRequest)
	require.Equal(t, "Idempotency-Key", p.Errors[0].Field)
}

func TestReplayCacheIsBounded(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newReplayCache(2, time.Hour, func() time.Time { return now })
	var fp [32]byte
	for _, k := range []string{"a", "b", "c"} {
		e, st := c.begin(k, fp)
		require.Equal(t, replayNew, st)
		c.finish(e, 201, http.Header{}, []byte(k))
	}
	_, st := c.begin("a", fp)
	require.Equal(t, replayNew, st, "the oldest entry was evicted")
	e, st := c.begin("c", fp)
	require.Equal(t, replayHit, st)
	require.Equal(t, []byte("c"), e.body)

	now = now.Add(2 * time.Hour)
	_, st = c.begin("c", fp)
	require.Equal(t, replayNew, st, "expired")
	require.Equal(t, 1, c.order.Len())
}
