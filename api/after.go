package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// QueryAfter is the read parameter asking for projections that include a position.
const QueryAfter = "after"

// awaitAfter makes every /v1 read honour after=<position>: the read is served once
// the projections have applied that position (read-your-writes after a write's
// Ledger-Position), or answered 503 with Retry-After when they do not within
// Options.AfterWait.
func (s *Server) awaitAfter(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		raw := c.QueryParam(QueryAfter)
		if raw == "" {
			return next(c)
		}
		pos, ok := parseVersion(raw)
		if !ok {
			return BadRequest("the after parameter is malformed",
				FieldError{Field: QueryAfter, Detail: "must be a global position (a non-negative integer)"})
		}
		if err := s.waitFor(c.Request().Context(), pos); err != nil {
			return err
		}
		return next(c)
	}
}

// AwaitPosition waits, bounded like after=, until the projections include pos. Reads
// under Group get this from after= already; it is for routes that learn a position
// some other way.
func AwaitPosition(c echo.Context, pos uint64) error {
	s := serverOf(c)
	if s == nil {
		return errors.New("api: AwaitPosition outside a Server")
	}
	return s.waitFor(c.Request().Context(), pos)
}

func (s *Server) waitFor(ctx context.Context, pos uint64) error {
	p := s.opts.Progress
	if p == nil || pos == 0 || p.Position() >= pos {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, s.opts.AfterWait)
	defer cancel()
	err := p.WaitFor(wctx, pos)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err() // the caller left; nobody to answer
	}
	if errors.Is(err, context.DeadlineExceeded) {
		pr := NewProblem(http.StatusServiceUnavailable, TypeNotCaughtUp, "Projections not caught up",
			fmt.Sprintf("the read models have not yet reached position %d (at %d); retry", pos, p.Position()))
		pr.RetryAfter = 1
		return pr
	}
	return err
}
