// Package kurrent is the KurrentDB engine of the event log, for trusts that outgrow one
// machine: the log lives in a replicated KurrentDB cluster and any number of ledger
// nodes append to it and subscribe to it. It uses EventStore-Client-Go v4.2.0 and works
// around that client's reconnection gaps (see conn).
package kurrent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/pathway-ledger/ledger/eventstore"
)

// ConnectTimeout bounds how long Open waits for the cluster to answer when ctx has no
// earlier deadline (a node that is still starting, an election in progress).
const ConnectTimeout = 30 * time.Second

// defaultDiscoverAttempts replaces the client's 10 (about one second) unless the URL
// sets maxDiscoverAttempts: a client whose discovery round fails is dead for good, and
// one that keeps discovering outlasts an outage of several minutes at the default
// 100 ms interval.
const defaultDiscoverAttempts = 3000

// Store is the KurrentDB engine. It is safe for concurrent use.
type Store struct {
	conn   *conn
	closed atomic.Bool
	// done ends every subscription when the store closes.
	done  context.Context
	stop  context.CancelFunc
	retry retry
	log   *slog.Logger
	now   func() time.Time
}

var _ eventstore.Store = (*Store)(nil)

// Option adjusts Open.
type Option func(*options)

type options struct{ log *slog.Logger }

// WithLogger sends the engine's and the client's log lines to l (default:
// slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Open connects to the cluster a store URL names (kurrentdb://, kurrentdb+discover://,
// esdb:// or esdb+discover://, with the client's query settings such as tls=false) and
// waits until it answers a read of $all, retrying while it is unavailable, until ctx
// ends or ConnectTimeout passes.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	o := options{log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	cs, err := ConnectionString(url)
	if err != nil {
		return nil, err
	}
	cfg, err := esdb.ParseConnectionString(cs)
	if err != nil {
		return nil, fmt.Errorf("kurrent: store URL: %w", err)
	}
	if !strings.Contains(strings.ToLower(cs), "maxdiscoverattempts=") {
		cfg.MaxDiscoverAttempts = defaultDiscoverAttempts
	}
	log := o.log.With("component", "kurrent")
	cfg.Logger = clientLogger(log)
	c, err := newConn(cfg)
	if err != nil {
		return nil, fmt.Errorf("kurrent: %w", err)
	}
	done, stop := context.WithCancel(context.Background())
	s := &Store{conn: c, done: done, stop: stop, retry: defaultRetry, log: log, now: time.Now}
	if err := s.ping(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("%w: kurrent: cluster at %s did not answer: %v", eventstore.ErrStorage, redact(cs), err)
	}
	return s, nil
}

// ping reads the last event of $all, which needs the same rights as subscriptions.
func (s *Store) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, ConnectTimeout)
	defer cancel()
	wait := retry{first: 100 * time.Millisecond, max: time.Second, tries: 1 << 20}
	return wait.do(ctx, func() error {
		_, err := within(ctx, s.conn, func(ctx context.Context, cl *esdb.Client) (struct{}, error) {
			rs, err := cl.ReadAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
			if err != nil {
				return struct{}{}, err
			}
			defer rs.Close()
			if _, err := rs.Recv(); err != nil && !errors.Is(err, io.EOF) {
				return struct{}{}, err
			}
			return struct{}{}, nil
		}, nil)
		return err
	})
}

// Close ends subscriptions and closes the connection once in-flight calls return.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.stop()
	s.conn.close()
	return nil
}

func (s *Store) check() error {
	if s.closed.Load() {
		return eventstore.ErrClosed
	}
	return nil
}

// clientLogger sends the client's own log lines to slog. Its errors are failed calls
// the engine retries (the engine logs what it does about them) and its warnings are
// discovery attempts, ten a second while a node is down: info and debug.
func clientLogger(log *slog.Logger) esdb.LoggingFunc {
	return func(level esdb.LogLevel, format string, args ...interface{}) {
		lvl := slog.LevelDebug
		if level == esdb.LogError {
			lvl = slog.LevelInfo
		}
		if log.Enabled(context.Background(), lvl) {
			log.Log(context.Background(), lvl, fmt.Sprintf(format, args...), "source", "esdb-client")
		}
	}
}

// redact drops credentials from a connection string for messages.
func redact(cs string) string {
	scheme, rest, ok := strings.Cut(cs, "://")
	if !ok {
		return cs
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if slash := strings.IndexAny(rest, "/?"); slash < 0 || at < slash {
			rest = "***@" + rest[at+1:]
		}
	}
	return scheme + "://" + rest
}
