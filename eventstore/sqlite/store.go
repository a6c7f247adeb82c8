// Package sqlite is the default embedded event store: one data folder holding one
// SQLite database (DatabaseFile) in WAL mode with synchronous=FULL, through
// modernc.org/sqlite (SQLite compiled to pure Go), bound directly to its C API
// (internal/lite) rather than through database/sql.
//
// One connection writes, owned by a group committer: appends that arrive while a
// commit is being made durable wait in a queue and are committed together in the next
// transaction, one fsync for all, and the commit's WAL frames reach the file in one
// write (lite.GatherWALWrites). Reads go through a small pool of read-only
// connections that map the file into memory; a checkpointer copies the WAL into the
// database file from its own connection, so no append waits for a checkpoint. The
// process holds an exclusive flock on LockFile for its life: a second ledger on the
// same folder gets eventstore.ErrLocked, while auditors may still read the file with
// the sqlite3 tool (the README documents the format), and other processes may open
// the folder with ReadOnly: WAL readers never block the writer, nor it them.
package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	msqlite "modernc.org/sqlite"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/lite"
)

// DatabaseFile and LockFile are the names inside the data folder; SQLite keeps its
// WAL and shared-memory index beside the database (ledger.db-wal, ledger.db-shm).
const (
	DatabaseFile = "ledger.db"
	LockFile     = "ledger.lock"
)

type options struct {
	maxPageCount     int
	checkpointEvery  time.Duration
	maxGroupAppends  int
	maxGroupBytes    int
	readers          int
	now              func() time.Time
	readOnlyDatabase bool
	noSplitReads     bool
	restartFrames    int64
	readOnly         bool
	forReplay        bool
	replayWaitMS     int // how long ForReplay's checkpoint waits for other readers
	pollEvery        time.Duration
}

// Option tunes a store.
type Option func(*options)

// WithMaxPageCount caps the database size in pages (4 KiB each): for tests of a full
// disk, which SQLite reports exactly as it would a real one.
func WithMaxPageCount(n int) Option { return func(o *options) { o.maxPageCount = n } }

// WithCheckpointInterval sets how often the background checkpointer copies the WAL
// into the database file (default 200ms).
func WithCheckpointInterval(d time.Duration) Option {
	return func(o *options) { o.checkpointEvery = d }
}

// WithClock replaces the clock that stamps recorded_at (tests of knowledge time).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// ReadOnly opens the store for reading beside the process that writes it (ledger
// serve holds the folder lock for its life): no lock is taken, the database must
// already exist and is never created, changed or checkpointed, and Append fails
// with ErrReadOnly. Reads see every commit of the writer process; since that
// process cannot tell this one about them, HeadPosition and ReadAll ask the file and
// subscriptions notice new events by polling (every 100ms).
func ReadOnly() Option { return func(o *options) { o.readOnly = true } }

// ErrReadOnly is the answer to Append on a store opened with ReadOnly.
var ErrReadOnly = errors.New("sqlite: store opened read-only: appends go through the process that holds the data folder")

// withPollInterval sets how often a ReadOnly store looks for the writer's commits.
func withPollInterval(d time.Duration) Option { return func(o *options) { o.pollEvery = d } }

// withReadOnlyDatabase opens the writer connection read-only: what SQLite sees when
// the folder or file has become read-only under a running ledger.
func withReadOnlyDatabase() Option { return func(o *options) { o.readOnlyDatabase = true } }

// withRestartFrames sets how large the WAL may grow before it is made to start over.
func withRestartFrames(n int64) Option { return func(o *options) { o.restartFrames = n } }

// withReplayWait sets how long ForReplay's checkpoint waits for another process's
// readers before folds read through SQLite instead (tests).
func withReplayWait(d time.Duration) Option {
	return func(o *options) { o.replayWaitMS = int(d.Milliseconds()) }
}

// withoutSplitReads reads every page on one connection (benchmarks compare).
func withoutSplitReads() Option { return func(o *options) { o.noSplitReads = true } }

// Pragmas of every connection, and of the writer. The page cache of the writer holds
// the B-tree pages appends touch (the tails of the table and of the event_id index,
// and stream heads); readers map the file and keep little of their own.
const (
	pageSize         = 4096
	busyTimeoutMS    = 10000
	writerCacheKiB   = 16 << 10
	readerCacheKiB   = 4 << 10
	mmapBytes        = 1 << 31
	walSizeLimit     = 64 << 20
	defaultReaders   = 4
	defaultPoll      = 100 * time.Millisecond
	defaultMaxGroup  = 512
	defaultGroupSize = 32 << 20
	gatherLimit      = 4 << 20
	restartFrames    = 16384 // WAL frames (64 MiB of 4 KiB pages) before the WAL is made to start over
)

// Store is the embedded engine. It is safe for concurrent use.
type Store struct {
	dir      string
	opts     options
	lock     *folderLock
	w        *writer    // used only by the writer goroutine once open
	ckpt     *lite.Conn // used only by the checkpointer goroutine once open
	ckptStmt *lite.Stmt
	writeMu  sync.Mutex   // held by the writer while it commits a group
	readers  chan *reader // idle read connections
	nread    int
	reqs     chan *appendReq
	done     chan struct{}
	wg       sync.WaitGroup
	sendMu   sync.RWMutex // held shared while queueing an append, exclusively by Close
	mu       sync.Mutex   // guards head, notify, closed
	head     uint64       // last committed position
	notify   chan struct{}
	closed   bool
	stats    counters
	pages    *pageReads // ForReplay: the mapped file folds read, when it could be
	pagesWhy string     // ForReplay: why it could not
}

var _ eventstore.Store = (*Store)(nil)

// Open opens (creating if needed) the store in dir and takes the folder lock.
func Open(dir string, opt ...Option) (*Store, error) {
	o := options{checkpointEvery: 200 * time.Millisecond, replayWaitMS: busyTimeoutMS, restartFrames: restartFrames, maxGroupAppends: defaultMaxGroup,
		maxGroupBytes: defaultGroupSize, readers: defaultReaders, now: time.Now, pollEvery: defaultPoll}
	for _, f := range opt {
		f(&o)
	}
	if o.readOnly {
		return openReadOnly(dir, o)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("%w: create data folder: %w", eventstore.ErrStorage, err)
	}
	lock, err := lockFolder(dir)
	if err != nil {
		return nil, err
	}
	// SQLite's own Linux builds commit with fdatasync; the transpiled library
	// defaults to fsync, which also flushes timestamps. The switch is process-wide.
	_, _ = msqlite.Fdatasync(true)
	s := &Store{dir: dir, opts: o, lock: lock, reqs: make(chan *appendReq, 4096),
		done: make(chan struct{}), notify: make(chan struct{})}
	if err := s.open(); err != nil {
		s.closeConns()
		lock.release()
		return nil, err
	}
	if o.forReplay {
		s.openPages()
	}
	s.wg.Add(2)
	go s.writeLoop()
	go s.checkpointLoop()
	return s, nil
}

func (s *Store) open() error {
	path := s.Path()
	conn, err := lite.Open(path, s.opts.readOnlyDatabase)
	if err != nil {
		return storageErr("open database", err)
	}
	s.w = &writer{conn: conn}
	conn.BusyTimeout(busyTimeoutMS)
	pragmas := fmt.Sprintf(`PRAGMA page_size=%d; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
		PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=%d; PRAGMA cache_size=-%d;
		PRAGMA temp_store=MEMORY;`, pageSize, walSizeLimit, writerCacheKiB)
	if s.opts.maxPageCount > 0 {
		pragmas += fmt.Sprintf(" PRAGMA max_page_count=%d;", s.opts.maxPageCount)
	}
	if err := conn.Exec(pragmas); err != nil {
		return storageErr("configure database", err)
	}
	if err := conn.Exec(schema); err != nil {
		return storageErr("create schema", err)
	}
	if err := s.w.prepare(); err != nil {
		return storageErr("prepare statements", err)
	}
	// Sound because every commit syncs (synchronous=FULL); see lite.GatherWALWrites.
	conn.GatherWALWrites(gatherLimit)
	if s.head, err = s.w.lastPosition(); err != nil {
		return storageErr("read head", err)
	}
	s.readers = make(chan *reader, s.opts.readers)
	for range s.opts.readers {
		r, err := openReader(path)
		if err != nil {
			return storageErr("open reader", err)
		}
		s.readers <- r
		s.nread++
	}
	if s.ckpt, err = lite.Open(path, false); err != nil {
		return storageErr("open checkpointer", err)
	}
	s.ckpt.BusyTimeout(busyTimeoutMS)
	if s.ckptStmt, err = s.ckpt.Prepare(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
		return storageErr("prepare checkpoint", err)
	}
	return nil
}

// openReadOnly opens only the pool of read connections. The writer process may come
// and go meanwhile: SQLite's WAL index in the shared-memory file keeps readers of
// other processes consistent with its commits and checkpoints.
func openReadOnly(dir string, o options) (*Store, error) {
	s := &Store{dir: dir, opts: o, done: make(chan struct{}), notify: make(chan struct{})}
	path := s.Path()
	// Checked first because SQLite's own answer ("unable to open database file")
	// does not say whether the folder is wrong or merely empty.
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: no ledger database in %s (nothing has been recorded there yet, or the data folder is wrong): %w",
				eventstore.ErrStorage, dir, err)
		}
		return nil, storageErr("open database", err)
	}
	s.readers = make(chan *reader, o.readers)
	for range o.readers {
		r, err := openReader(path)
		if err != nil {
			s.closeConns()
			return nil, storageErr("open reader", err)
		}
		s.readers <- r
		s.nread++
	}
	r := <-s.readers
	head, err := r.lastPosition()
	s.readers <- r
	if err != nil {
		s.closeConns()
		return nil, storageErr("read head", err)
	}
	s.head = head
	s.wg.Add(1)
	go s.pollLoop()
	return s, nil
}

// pollLoop wakes the subscriptions of a ReadOnly store when the writer process has
// committed: no notification crosses the process boundary.
func (s *Store) pollLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.pollEvery)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			_ = s.withReader(context.Background(), func(r *reader) error {
				_, err := s.readHead(r)
				return err
			})
		}
	}
}

// readHead is the last committed position: the writer's own count, or for a
// ReadOnly store the file's, published to subscriptions if it has moved.
func (s *Store) readHead(r *reader) (uint64, error) {
	if !s.opts.readOnly {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.head, nil
	}
	head, err := r.lastPosition()
	if err != nil {
		return 0, storageErr("read head", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if head > s.head {
		s.head = head
		close(s.notify)
		s.notify = make(chan struct{})
	}
	return s.head, nil
}

func storageErr(what string, err error) error {
	return fmt.Errorf("%w: %s: %w", eventstore.ErrStorage, what, err)
}

// Path is the database file, for auditors and tools.
func (s *Store) Path() string { return filepath.Join(s.dir, DatabaseFile) }

// HeadPosition is the position of the last committed event (0: empty log).
func (s *Store) HeadPosition(ctx context.Context) (uint64, error) {
	if s.opts.readOnly {
		var head uint64
		err := s.withReader(ctx, func(r *reader) (err error) {
			head, err = s.readHead(r)
			return err
		})
		return head, err
	}
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

// Close stops accepting appends, commits those already queued, waits for reads in
// progress, checkpoints the WAL into the database file and releases the folder.
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
	err := s.closeConns()
	if s.pages != nil {
		err = errors.Join(err, s.pages.file.Close())
	}
	s.lock.release()
	return err
}

// closeConns closes the readers and the checkpointer first, so that the writer is
// the last connection and leaves a checkpointed database file behind.
func (s *Store) closeConns() error {
	var errs []error
	for ; s.nread > 0; s.nread-- {
		errs = append(errs, (<-s.readers).close())
	}
	errs = append(errs, s.ckpt.Close())
	if s.w != nil && s.w.conn != nil {
		if s.w.ready {
			errs = append(errs, s.w.conn.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`))
		}
		errs = append(errs, s.w.conn.Close())
	}
	return errors.Join(errs...)
}

func (s *Store) checkpointLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.checkpointEvery)
	defer t.Stop()
	var done uint64
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			s.mu.Lock()
			head := s.head
			s.mu.Unlock()
			if head == done {
				continue
			}
			// PASSIVE never waits for the writer or readers; frames a reader still
			// needs are copied next time.
			frames, err := s.checkpoint()
			if err != nil {
				continue
			}
			done = head
			if frames > s.opts.restartFrames {
				// The WAL starts over only when a transaction begins with every
				// frame copied, which never happens under a steady stream of
				// commits. Everything but the last moments is in the database file
				// now: copy those with the writer held between two commits, so its
				// next transaction starts the WAL from the beginning.
				s.writeMu.Lock()
				_, _ = s.checkpoint()
				s.writeMu.Unlock()
			}
		}
	}
}

// checkpoint runs a PASSIVE checkpoint on the checkpointer's connection and returns
// how many frames the WAL holds.
func (s *Store) checkpoint() (int64, error) {
	st := s.ckptStmt
	defer st.Reset()
	row, err := st.Step()
	if err != nil || !row {
		return 0, err
	}
	return st.Int64(1), nil
}
