package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// readyCheckTimeout bounds the store probe of /readyz: an orchestrator polls it and
// must not pile up hung probes.
const readyCheckTimeout = time.Second

type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// healthz answers 200 while the process serves HTTP at all.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the store answers, the projections have caught up with
// the log, and the server is not shutting down; 503 otherwise, naming the check that
// failed.
func (s *Server) readyz(c echo.Context) error {
	r := readiness{Status: "ready", Checks: map[string]string{}}
	fail := func(check, state string) {
		r.Status = "not_ready"
		r.Checks[check] = state
	}
	if s.draining.Load() {
		fail("server", "shutting_down")
	} else {
		r.Checks["server"] = "serving"
	}
	if s.opts.Store == nil {
		r.Checks["store"] = "none"
	} else if err := s.probeStore(c.Request().Context()); err != nil {
		fail("store", "unavailable")
	} else {
		r.Checks["store"] = "ok"
	}
	switch {
	case s.opts.Progress == nil:
		r.Checks["projections"] = "none"
	case stoppedOnError(s.opts.Progress):
		fail("projections", "stopped")
	case s.opts.Progress.CaughtUp():
		r.Checks["projections"] = "caught_up"
	default:
		fail("projections", "catching_up")
	}
	status := http.StatusOK
	if r.Status != "ready" {
		status = http.StatusServiceUnavailable
	}
	return c.JSON(status, r)
}

// stoppedOnError: the projections stopped on an event they could not apply, which
// no retry mends (the runner logs it; GET /v1/admin/projections shows it).
func stoppedOnError(p Progress) bool {
	e, ok := p.(interface{ Err() error })
	return ok && e.Err() != nil
}

// probeStore asks the store for its head where it can say so cheaply, and otherwise
// reads one event: either fails once the store is closed or unreachable.
func (s *Server) probeStore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyCheckTimeout)
	defer cancel()
	if h, ok := s.opts.Store.(headPositioner); ok {
		_, err := h.HeadPosition(ctx)
		return err
	}
	_, err := s.opts.Store.ReadAll(ctx, 0, 1)
	return err
}
