package kurrent

import (
	"context"
	"errors"
	"sync"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pathway-ledger/ledger/eventstore"
)

// conn owns the esdb client and replaces it when it can no longer recover by itself.
// The v4.2.0 client has three gaps the ledger works around here:
//   - it closes itself for good when a discovery round fails (every later call answers
//     ErrorCodeConnectionClosed);
//   - a read or subscription that fails before its first message does not trigger the
//     client's reconnection (kurrent-io/EventStore-Client-Go#190), so after a leader
//     change it keeps asking the old node;
//   - it panics if a call fails on a client that was closed while the call was in
//     flight (it signals its closed channel).
//
// So a client is replaced, not repaired: renew swaps in a fresh client (whose first call
// runs discovery again and connects to the current leader), and the old one is closed
// only when its last in-flight call has returned.
type conn struct {
	cfg       esdb.Configuration
	newClient func(*esdb.Configuration) (*esdb.Client, error)

	mu     sync.Mutex
	cur    *handle
	closed bool
}

// maxInFlight bounds the calls on one client. While the client waits for a cluster
// that is down, each call it holds is a goroutine; past the bound, calls fail at once
// (transiently) instead of piling up.
const maxInFlight = 4096

// errSaturated: too many calls are waiting on the client.
var errSaturated = errors.New("kurrent: too many calls waiting for the cluster")

// handle is one client generation and the calls still using it.
type handle struct {
	client  *esdb.Client
	refs    int
	retired bool
}

func newConn(cfg *esdb.Configuration) (*conn, error) {
	c := &conn{cfg: *cfg, newClient: esdb.NewClient}
	h, err := c.fresh()
	if err != nil {
		return nil, err
	}
	c.cur = h
	return c, nil
}

func (c *conn) fresh() (*handle, error) {
	cfg := c.cfg
	client, err := c.newClient(&cfg)
	if err != nil {
		return nil, err
	}
	return &handle{client: client}, nil
}

// acquire returns the current client for one call; release it when the call is done.
func (c *conn) acquire() (*handle, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, eventstore.ErrClosed
	}
	if c.cur.refs >= maxInFlight {
		return nil, errSaturated
	}
	c.cur.refs++
	return c.cur, nil
}

func (c *conn) release(h *handle) {
	c.mu.Lock()
	h.refs--
	idle := h.retired && h.refs == 0
	c.mu.Unlock()
	if idle {
		_ = h.client.Close()
	}
}

// renew replaces h with a fresh client if h is still the current one (concurrent
// callers that saw the same failure replace it once).
func (c *conn) renew(h *handle) {
	c.mu.Lock()
	if c.closed || c.cur != h {
		c.mu.Unlock()
		return
	}
	next, err := c.fresh()
	if err != nil {
		// NewClient only validates the configuration, which was valid at Open.
		c.mu.Unlock()
		return
	}
	c.cur = next
	h.retired = true
	idle := h.refs == 0
	c.mu.Unlock()
	if idle {
		_ = h.client.Close()
	}
}

// renewCurrent replaces the current client.
func (c *conn) renewCurrent() {
	c.mu.Lock()
	h := c.cur
	c.mu.Unlock()
	c.renew(h)
}

// close retires the current client; it is closed once its calls have returned.
func (c *conn) close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	h := c.cur
	h.retired = true
	idle := h.refs == 0
	c.mu.Unlock()
	if idle {
		_ = h.client.Close()
	}
}

type result[T any] struct {
	v   T
	err error
}

// within runs op on the current client and returns when op does or ctx ends. The
// v4.2.0 client waits for its connection (discovery) without looking at ctx, so op runs
// in its own goroutine; if the caller has left when op finishes, abandon (if any)
// disposes of op's result. A failure the client cannot recover from renews it.
func within[T any](ctx context.Context, c *conn, op func(context.Context, *esdb.Client) (T, error), abandon func(T)) (T, error) {
	v, _, err := call(ctx, c, op, abandon, false)
	return v, err
}

// call is within; with keep, a successful op keeps its client until the caller
// releases the returned handle (a subscription holds it for its lifetime).
func call[T any](ctx context.Context, c *conn, op func(context.Context, *esdb.Client) (T, error), abandon func(T), keep bool) (T, *handle, error) {
	var zero T
	h, err := c.acquire()
	if err != nil {
		return zero, nil, err
	}
	var (
		mu   sync.Mutex
		left bool
		done = make(chan result[T], 1)
	)
	go func() {
		v, err := op(ctx, h.client)
		if err != nil && needsRenew(err) {
			c.renew(h)
		}
		mu.Lock()
		gone := left
		if !gone {
			done <- result[T]{v, err}
		}
		mu.Unlock()
		if gone && err == nil && abandon != nil {
			abandon(v)
		}
		if gone || err != nil || !keep {
			c.release(h)
		}
	}()
	select {
	case r := <-done:
		return r.v, h, r.err
	case <-ctx.Done():
		mu.Lock()
		left = true
		mu.Unlock()
		select {
		case r := <-done:
			return r.v, h, r.err
		default:
			return zero, nil, ctx.Err()
		}
	}
}
