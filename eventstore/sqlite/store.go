// Package sqlite is the default embedded event store: one data folder holding one
// SQLite database in WAL mode with synchronous=FULL, written by a single connection
// behind a group committer, read through a pool of read-only connections.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver (pure Go)

	"github.com/pathway-ledger/ledger/eventstore"
)

// DatabaseFile and LockFile are the names inside the data folder.
const (
	DatabaseFile = "ledger.db"
	LockFile     = "ledger.lock"
)

type options struct {
	maxPageCount    int
	checkpointEvery time.Duration
	maxBatch        int
	now             func() time.Time
}

// Option tunes a store.
type Option func(*options)

// WithMaxPageCount caps the database size in pages (4 KiB each): for tests of a full
// disk, which SQLite reports exactly as it would a real one.
func WithMaxPageCount(n int) Option { return func(o *options) { o.maxPageCount = n } }

// WithCheckpointInterval sets how often the background checkpointer copies the WAL
// into the database file (default 1s).
func WithCheckpointInterval(d time.Duration) Option {
	return func(o *options) { o.checkpointEvery = d }
}

// WithClock replaces the clock that stamps recorded_at (tests of knowledge time).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Store is the embedded engine. It is safe for concurrent use.
type Store struct {
	dir    string
	opts   options
	lock   *folderLock
	wdb    *sql.DB // exactly one connection: the single writer
	wconn  *sql.Conn
	rdb    *sql.DB // read-only pool
	cdb    *sql.DB // the checkpointer's own connection, off the append path
	stmts  writerStmts
	reqs   chan *appendReq
	done   chan struct{}
	wg     sync.WaitGroup
	sendMu sync.RWMutex // held shared while queueing an append, exclusively by Close
	mu     sync.Mutex   // guards head, notify, closed
	head   uint64       // last committed position
	notify chan struct{}
	closed bool
}

var _ eventstore.Store = (*Store)(nil)

func dsn(path string, pragmas ...string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the store in dir and takes the folder lock.
func Open(dir string, opt ...Option) (*Store, error) {
	o := options{checkpointEvery: time.Second, maxBatch: 512, now: time.Now}
	for _, f := range opt {
		f(&o)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("%w: create data folder: %v", eventstore.ErrStorage, err)
	}
	lock, err := lockFolder(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, opts: o, lock: lock, reqs: make(chan *appendReq, 1024),
		done: make(chan struct{}), notify: make(chan struct{})}
	if err := s.open(); err != nil {
		s.closeDBs()
		lock.release()
		return nil, err
	}
	s.wg.Add(2)
	go s.writer()
	go s.checkpointer()
	return s, nil
}

func (s *Store) open() error {
	path := filepath.Join(s.dir, DatabaseFile)
	pragmas := []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)",
		"wal_autocheckpoint(0)", "cache_size(-65536)", "temp_store(MEMORY)"}
	if s.opts.maxPageCount > 0 {
		pragmas = append(pragmas, fmt.Sprintf("max_page_count(%d)", s.opts.maxPageCount))
	}
	var err error
	if s.wdb, err = sql.Open("sqlite", dsn(path, pragmas...)); err != nil {
		return storageErr("open database", err)
	}
	s.wdb.SetMaxOpenConns(1)
	ctx := context.Background()
	if s.wconn, err = s.wdb.Conn(ctx); err != nil {
		return storageErr("open database", err)
	}
	if _, err = s.wconn.ExecContext(ctx, schema); err != nil {
		return storageErr("create schema", err)
	}
	if err = s.wconn.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM events`).Scan(&s.head); err != nil {
		return storageErr("read head", err)
	}
	if err = s.prepare(ctx); err != nil {
		return storageErr("prepare statements", err)
	}
	if s.rdb, err = sql.Open("sqlite", dsn(path, "busy_timeout(10000)", "query_only(1)", "cache_size(-32768)", "mmap_size(4294967296)")); err != nil {
		return storageErr("open readers", err)
	}
	s.rdb.SetMaxOpenConns(8)
	s.rdb.SetMaxIdleConns(8)
	if s.cdb, err = sql.Open("sqlite", dsn(path, "busy_timeout(10000)")); err != nil {
		return storageErr("open checkpointer", err)
	}
	s.cdb.SetMaxOpenConns(1)
	return nil
}

func storageErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %v", eventstore.ErrStorage, what, err)
}

// Path is the database file, for auditors and tools.
func (s *Store) Path() string { return filepath.Join(s.dir, DatabaseFile) }

// HeadPosition is the position of the last committed event (0: empty log).
func (s *Store) HeadPosition(context.Context) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, eventstore.ErrClosed
	}
	return s.head, nil
}

// waitCh returns a channel closed at the next commit or at Close.
func (s *Store) waitCh() (<-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notify, s.closed
}

func (s *Store) published(head uint64) {
	s.mu.Lock()
	s.head = head
	close(s.notify)
	s.notify = make(chan struct{})
	s.mu.Unlock()
}

// Close stops accepting appends, finishes those already acknowledged for writing,
// checkpoints and releases the folder.
func (s *Store) Close() error {
	s.sendMu.Lock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.sendMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.notify)
	s.notify = make(chan struct{}) // the final drain may still publish
	s.mu.Unlock()
	s.sendMu.Unlock()
	close(s.done)
	s.wg.Wait()
	var err error
	if s.wconn != nil {
		_, err = s.wconn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	err = errors.Join(err, s.closeDBs())
	s.lock.release()
	return err
}

func (s *Store) closeDBs() error {
	var errs []error
	s.stmts.close()
	if s.wconn != nil {
		errs = append(errs, s.wconn.Close())
	}
	if s.wdb != nil {
		errs = append(errs, s.wdb.Close())
	}
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.cdb != nil {
		errs = append(errs, s.cdb.Close())
	}
	return errors.Join(errs...)
}

func (s *Store) checkpointer() {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			// PASSIVE never blocks the writer; it copies what no reader still needs.
			_, _ = s.cdb.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}
