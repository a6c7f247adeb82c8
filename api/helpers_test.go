package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api/tokens"
)

const testAdminToken = "admin-secret-0123456789"

// fakeProgress is a projection runner whose position the test moves.
type fakeProgress struct {
	mu     sync.Mutex
	pos    uint64
	caught bool
	err    error
	moved  chan struct{}
}

func newFakeProgress(pos uint64, caught bool) *fakeProgress {
	return &fakeProgress{pos: pos, caught: caught, moved: make(chan struct{})}
}

func (f *fakeProgress) Position() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pos
}

// Err is the runner's: the error that stopped it.
func (f *fakeProgress) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *fakeProgress) CaughtUp() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.caught
}

func (f *fakeProgress) WaitFor(ctx context.Context, pos uint64) error {
	for {
		f.mu.Lock()
		cur, moved := f.pos, f.moved
		f.mu.Unlock()
		if cur >= pos {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-moved:
		}
	}
}

func (f *fakeProgress) advance(pos uint64) {
	f.mu.Lock()
	f.pos = pos
	close(f.moved)
	f.moved = make(chan struct{})
	f.mu.Unlock()
}

// logBuffer collects JSON log lines for assertions about what is (not) logged.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type testEnv struct {
	srv    *Server
	tokens *tokens.Store
	logs   *logBuffer
	// tok holds a token per role.
	tok map[Role]string
}

func newEnv(t *testing.T, mutate func(*Options)) *testEnv {
	t.Helper()
	ts, err := tokens.Open(t.TempDir())
	require.NoError(t, err)
	env := &testEnv{tokens: ts, logs: &logBuffer{}, tok: map[Role]string{}}
	for _, r := range []Role{RoleBooking, RoleValidator, RoleAuditor, RoleReader, RoleAdmin} {
		secret, _, err := ts.Create("user-"+string(r), string(r))
		require.NoError(t, err)
		env.tok[r] = secret
	}
	opts := Options{
		Tokens:     ts,
		AdminToken: testAdminToken,
		Logger:     slog.New(slog.NewJSONHandler(env.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mutate != nil {
		mutate(&opts)
	}
	env.srv, err = New(opts)
	require.NoError(t, err)
	return env
}

type call struct {
	method, path, token, body string
	header                    map[string]string
}

func (e *testEnv) do(t *testing.T, c call) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = bytes.NewBufferString(c.body)
	}
	req := httptest.NewRequest(c.method, c.path, body)
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// problemOf asserts an answer is problem+json with status and returns it.
func problemOf(t *testing.T, rec *httptest.ResponseRecorder, status int) Problem {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	require.Equal(t, ProblemContentType, rec.Header().Get("Content-Type"))
	var p Problem
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p))
	require.Equal(t, status, p.Status)
	require.NotEmpty(t, p.Type)
	require.NotEmpty(t, p.Title)
	require.NotEmpty(t, p.RequestID)
	require.Equal(t, rec.Header().Get(HeaderRequestID), p.RequestID)
	return p
}

func okHandler(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, _ := PrincipalFrom(c)
		return c.JSON(http.StatusOK, map[string]string{"route": name, "user": p.User, "role": string(p.Role)})
	}
}

// newChunkedRequest sends body without a Content-Length, as a chunked upload would.
func newChunkedRequest(t *testing.T, path, body, token string) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, io.NopCloser(bytes.NewBufferString(body)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func serve(e *testEnv, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}
