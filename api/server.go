// Package api is the ledger's REST API (v1, API.md): an Echo server that owns
// authentication, roles, problem+json errors, request limits, metrics, logging and
// graceful shutdown. Route files register their routes on a Server with the role
// set each route requires and use the helpers here to bind bodies, honour If-Match,
// Idempotency-Key and after=, and answer with ETag and Ledger-Position.
package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pathway-ledger/ledger/eventstore"
)

// Progress is how far the projections have read the global log. The projection
// runner implements it; a nil Progress means the server has no projections.
type Progress interface {
	// Position is the global position of the last event every projection has applied.
	Position() uint64
	// WaitFor returns once Position() >= pos, or ctx's error.
	WaitFor(ctx context.Context, pos uint64) error
	// CaughtUp reports whether the projections have reached the head of the log.
	CaughtUp() bool
}

// Defaults for Options left zero.
const (
	DefaultBodyLimit         = 1 << 20
	DefaultAfterWait         = 2 * time.Second
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultShutdownTimeout   = 15 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
)

// Options configure a Server. Zero values take the defaults above.
type Options struct {
	// Addr is where ListenAndServe listens, e.g. "127.0.0.1:8080".
	Addr string
	// Store is checked by /readyz and gives the head position for the lag metric.
	Store eventstore.Store
	// Progress of the projections; nil when there are none.
	Progress Progress
	// Tokens resolves bearer tokens; nil admits only the admin token.
	Tokens TokenLookup
	// AdminToken, when set, authenticates as user "admin" with role admin. It must be
	// at least MinAdminTokenLen bytes.
	AdminToken string
	// Logger receives JSON-ready structured logs; nil discards them.
	Logger *slog.Logger
	// Registry receives the metrics; nil makes a registry with Go and process metrics.
	Registry *prometheus.Registry
	// BodyLimit caps request bodies in bytes (413 beyond it).
	BodyLimit int64
	// AfterWait bounds how long a read with after= waits for the projections.
	AfterWait time.Duration
	// IdempotencyEntries and IdempotencyTTL bound the replay cache of Idempotency-Key
	// answers (defaults 10000 and 24h).
	IdempotencyEntries int
	IdempotencyTTL     time.Duration

	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	ShutdownTimeout   time.Duration
	MaxHeaderBytes    int
}

// Server is the API server: Echo with the ledger's middleware, the /v1 group behind
// authentication, health and metrics routes, and the HTTP server's lifecycle.
type Server struct {
	opts     Options
	e        *echo.Echo
	log      *slog.Logger
	auth     *authenticator
	metrics  *metrics
	replay   *replayCache
	mappers  []ErrorMapper
	draining atomic.Bool
}

// New builds a server. Routes are added with Group before Serve.
func New(opts Options) (*Server, error) {
	if opts.AdminToken != "" && len(opts.AdminToken) < MinAdminTokenLen {
		return nil, fmt.Errorf("api: the admin token must be at least %d characters", MinAdminTokenLen)
	}
	setDefaults(&opts)
	s := &Server{opts: opts, log: opts.Logger}
	s.auth = &authenticator{tokens: opts.Tokens, log: s.log}
	if opts.AdminToken != "" {
		s.auth.admin, s.auth.hasAdmin = sha256.Sum256([]byte(opts.AdminToken)), true
	}
	m, err := newMetrics(opts.Registry, opts.Store, opts.Progress)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.replay = newReplayCache(opts.IdempotencyEntries, opts.IdempotencyTTL, time.Now)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = s.handleError
	// Pre-routing, so that every answer (404 and 405 included) is logged and
	// measured, and nothing under /v1, not even "no such route", answers a caller
	// without a valid credential.
	e.Pre(s.assignRequestID, s.observe, s.recoverPanics, securityHeaders, s.limitBody, s.auth.guardV1)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(m.handler()))
	s.e = e
	return s, nil
}

func setDefaults(o *Options) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.AfterWait, DefaultAfterWait)
	def(&o.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&o.ReadTimeout, DefaultReadTimeout)
	def(&o.WriteTimeout, DefaultWriteTimeout)
	def(&o.IdleTimeout, DefaultIdleTimeout)
	def(&o.ShutdownTimeout, DefaultShutdownTimeout)
	def(&o.IdempotencyTTL, 24*time.Hour)
	if o.BodyLimit <= 0 {
		o.BodyLimit = DefaultBodyLimit
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if o.IdempotencyEntries <= 0 {
		o.IdempotencyEntries = 10000
	}
}

// V1Prefix is the path prefix of every authenticated route.
const V1Prefix = "/v1"

// Group is a set of /v1 routes sharing a path prefix and the roles they admit.
type Group struct {
	s      *Server
	prefix string
	roles  RoleSet
}

// Group returns routes under /v1+prefix admitting roles (admin always). Several
// groups may share a prefix, e.g. commands and reads of /pathways with their own
// role sets.
func (s *Server) Group(prefix string, roles RoleSet) *Group {
	return &Group{s: s, prefix: prefix, roles: roles}
}

// Add registers a route. Every route gets, in order: authentication (401), the role
// check (403), then for reads the after= wait and for writes the Idempotency-Key
// replay, then m and h.
func (g *Group) Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	chain := []echo.MiddlewareFunc{requireRoles(g.roles)}
	switch method {
	case http.MethodGet, http.MethodHead:
		chain = append(chain, g.s.awaitAfter)
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		chain = append(chain, g.s.replayIdempotent)
	}
	return g.s.e.Add(method, V1Prefix+g.prefix+path, h, append(chain, m...)...)
}

// GET registers a read route.
func (g *Group) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodGet, path, h, m...)
}

// POST registers a command route.
func (g *Group) POST(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return g.Add(http.MethodPost, path, h, m...)
}

// Handler is the server's HTTP handler (for httptest and embedding).
func (s *Server) Handler() http.Handler { return s.e }

// Echo exposes the Echo instance for what Group does not cover (e.g. serving the
// OpenAPI document). Routes added here bypass authentication unless under /v1 via Group.
func (s *Server) Echo() *echo.Echo { return s.e }

// ListenAndServe listens on Options.Addr and serves until ctx ends (see Serve).
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down gracefully: /readyz turns 503,
// the listener closes, and in-flight requests get up to ShutdownTimeout to finish
// before their connections are closed. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.e,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
		MaxHeaderBytes:    s.opts.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("listening", slog.String("addr", ln.Addr().String()))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("shutting down", slog.Duration("drain_timeout", s.opts.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("drain timed out; closing remaining connections")
		err = hs.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
