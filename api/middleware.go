package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// HeaderRequestID carries the request id: taken from the caller when well-formed (a
// gateway's id), made otherwise, and echoed on the answer.
const HeaderRequestID = "X-Request-Id"

const (
	requestIDKey = "ledger.request_id"
	logUserKey   = "ledger.user"
	serverKey    = "ledger.server"
)

// RequestID is the request's id: logged with every line about it, quoted in problems,
// and the natural correlation_id of the events the request appends.
func RequestID(c echo.Context) string {
	id, _ := c.Get(requestIDKey).(string)
	return id
}

// wellFormedID admits ids that are safe to log verbatim: 1-64 of [A-Za-z0-9._-].
func wellFormedID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_' || ch == '-') {
			return false
		}
	}
	return true
}

func (s *Server) assignRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(HeaderRequestID)
		if !wellFormedID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(requestIDKey, id)
		c.Set(serverKey, s)
		c.Response().Header().Set(HeaderRequestID, id)
		return next(c)
	}
}

// routeLabel is the route template ("/v1/pathways/:id"), never the raw path or query:
// it bounds metric cardinality and keeps ids and search terms out of logs.
func routeLabel(c echo.Context) string {
	if p := c.Path(); p != "" {
		return p
	}
	return "unmatched"
}

// observe logs one line per request and records its latency. Errors are written here
// (not after the chain returns) so that the line and the metric see the final status.
// Nothing from the body, the query or the raw path is logged.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		status := c.Response().Status
		if c.Path() == "" {
			// Refused before routing (401 under /v1): name the route it aimed at.
			s.e.Router().Find(c.Request().Method, echo.GetPath(c.Request()), c)
		}
		route := routeLabel(c)
		s.metrics.observe(c.Request().Method, route, status, elapsed)
		user, _ := c.Get(logUserKey).(string)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(c.Request().Context(), level, "request",
			slog.String("method", c.Request().Method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
			slog.Int64("bytes_out", c.Response().Size),
			slog.String("request_id", RequestID(c)),
			slog.String("user", user))
		return nil
	}
}

// recoverPanics turns a panic into a 500 answer; the stack goes to the log only.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				s.log.Error("panic", slog.String("request_id", RequestID(c)),
					slog.String("route", routeLabel(c)), slog.String("stack", string(debug.Stack())))
				err = fmt.Errorf("panic in handler for %s", routeLabel(c))
			}
		}()
		return next(c)
	}
}

// securityHeaders: answers hold patient data, so nothing may cache them, and no
// browser may sniff a JSON answer into something executable.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		return next(c)
	}
}

// limitBody refuses a declared oversize body at once and caps an undeclared one
// (chunked) while it is read; Bind reports the overflow as 413.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.opts.BodyLimit {
			return tooLarge(s.opts.BodyLimit)
		}
		if req.Body != nil && req.Body != http.NoBody {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, s.opts.BodyLimit)
		}
		return next(c)
	}
}

func formatETag(version uint64) string { return `"` + strconv.FormatUint(version, 10) + `"` }

func serverOf(c echo.Context) *Server {
	s, _ := c.Get(serverKey).(*Server)
	return s
}
