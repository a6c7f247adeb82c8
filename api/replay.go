package api

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// The replay cache answers a retried write with the original answer. Derived event
// ids already stop a retry from appending twice; the cache also spares the retry from
// being decided again against a state that now includes its own effect (which could
// refuse it, e.g. "offer already accepted"). It is per process and bounded; across
// restarts and nodes the derived ids still guarantee nothing is appended twice.
const (
	maxReplayBody  = 1 << 20
	maxReplayBytes = 64 << 20
)

// HeaderIdempotentReplayed marks an answer replayed from the cache.
const HeaderIdempotentReplayed = "Idempotent-Replayed"

var replayedHeaders = []string{echo.HeaderContentType, HeaderETag, HeaderLedgerPosition, echo.HeaderLocation}

type replayEntry struct {
	key    string
	print  [sha256.Size]byte
	at     time.Time
	done   bool
	status int
	header http.Header
	body   []byte
}

type replayCache struct {
	mu      sync.Mutex
	max     int
	ttl     time.Duration
	now     func() time.Time
	byKey   map[string]*list.Element
	order   *list.List // of *replayEntry, oldest first
	bytes   int
	maxSize int
}

func newReplayCache(max int, ttl time.Duration, now func() time.Time) *replayCache {
	return &replayCache{max: max, ttl: ttl, now: now, byKey: map[string]*list.Element{},
		order: list.New(), maxSize: maxReplayBytes}
}

type replayState int

const (
	replayNew replayState = iota
	replayHit
	replayMismatch
	replayPending
)

// begin claims key for a request with fingerprint print, or reports what holds it.
func (r *replayCache) begin(key string, print [sha256.Size]byte) (*replayEntry, replayState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	for f := r.order.Front(); f != nil && now.Sub(f.Value.(*replayEntry).at) > r.ttl; f = r.order.Front() {
		r.remove(f)
	}
	if el, ok := r.byKey[key]; ok {
		e := el.Value.(*replayEntry)
		switch {
		case e.print != print:
			return nil, replayMismatch
		case !e.done:
			return nil, replayPending
		default:
			return e, replayHit
		}
	}
	e := &replayEntry{key: key, print: print, at: now}
	r.byKey[key] = r.order.PushBack(e)
	for r.order.Len() > r.max {
		r.remove(r.order.Front())
	}
	return e, replayNew
}

func (r *replayCache) finish(e *replayEntry, status int, header http.Header, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if el, ok := r.byKey[e.key]; !ok || el.Value != e {
		return // evicted meanwhile
	}
	e.done, e.status, e.header, e.body = true, status, header, body
	r.bytes += len(body)
	for r.bytes > r.maxSize && r.order.Len() > 0 {
		r.remove(r.order.Front())
	}
}

func (r *replayCache) abandon(e *replayEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if el, ok := r.byKey[e.key]; ok && el.Value == e {
		r.remove(el)
	}
}

func (r *replayCache) remove(el *list.Element) {
	e := r.order.Remove(el).(*replayEntry)
	delete(r.byKey, e.key)
	r.bytes -= len(e.body)
}

// recorder copies what a handler writes, up to a limit, on its way to the client.
type recorder struct {
	http.ResponseWriter
	buf      bytes.Buffer
	overflow bool
}

func (w *recorder) Write(b []byte) (int, error) {
	if !w.overflow {
		if w.buf.Len()+len(b) > maxReplayBody {
			w.overflow = true
			w.buf.Reset()
		} else {
			w.buf.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// replayIdempotent serves a write that carries an Idempotency-Key: the first request
// runs and, when it succeeds (2xx), its answer is kept; a retry with the same body
// gets that answer again; the same key with another body is refused 409, as is a
// retry while the first is still running. Failed requests are not kept: retrying
// them runs them again, which the derived event ids make safe.
func (s *Server) replayIdempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		idem, err := IdempotencyFrom(c)
		if err != nil || !idem.Present() {
			if err != nil {
				return err
			}
			return next(c)
		}
		req := c.Request()
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		h.Write(body)
		h.Write([]byte("\x00" + req.Header.Get(HeaderIfMatch)))
		var print [sha256.Size]byte
		h.Sum(print[:0])

		e, state := s.replay.begin(idem.scope+"\x00"+idem.key, print)
		switch state {
		case replayHit:
			for k, v := range e.header {
				c.Response().Header()[k] = v
			}
			c.Response().Header().Set(HeaderIdempotentReplayed, "true")
			c.Response().WriteHeader(e.status)
			_, err := c.Response().Write(e.body)
			return err
		case replayMismatch:
			return idempotencyReused()
		case replayPending:
			return idempotencyPending()
		}
		kept := false
		defer func() {
			if !kept {
				s.replay.abandon(e)
			}
		}()
		res := c.Response()
		rec := &recorder{ResponseWriter: res.Writer}
		res.Writer = rec
		err = next(c)
		res.Writer = rec.ResponseWriter
		if err != nil || !res.Committed || res.Status < 200 || res.Status > 299 || rec.overflow {
			return err
		}
		header := http.Header{}
		for _, k := range replayedHeaders {
			if v := res.Header().Values(k); len(v) > 0 {
				header[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
			}
		}
		s.replay.finish(e, res.Status, header, bytes.Clone(rec.buf.Bytes()))
		kept = true
		return nil
	}
}
