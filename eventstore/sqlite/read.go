package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/lite"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/pagefile"
)

// reader is one read-only connection of the pool with its statements.
type reader struct {
	conn                     *lite.Conn
	all, span, stream, exist *lite.Stmt
	// allFold and spanFold are all and span without the hash chain.
	allFold, spanFold *lite.Stmt
	last              *lite.Stmt
	dec               decoder
	// pages and cursor read folds from the mapped file (ForReplay).
	pages  *pageReads
	cursor *pagefile.Cursor
}

func openReader(path string) (*reader, error) {
	conn, err := lite.Open(path, true)
	if err != nil {
		return nil, err
	}
	r := &reader{conn: conn}
	conn.BusyTimeout(busyTimeoutMS)
	if err := conn.Exec(fmt.Sprintf(`PRAGMA mmap_size=%d; PRAGMA cache_size=-%d;`, mmapBytes, readerCacheKiB)); err != nil {
		return nil, errorsJoinClose(err, conn)
	}
	for _, st := range []struct {
		dst **lite.Stmt
		sql string
	}{
		{&r.all, `SELECT ` + columns + ` FROM events WHERE position > ? ORDER BY position LIMIT ?`},
		{&r.span, `SELECT ` + columns + ` FROM events WHERE position > ? AND position <= ? ORDER BY position`},
		{&r.allFold, `SELECT ` + foldColumns + ` FROM events WHERE position > ? ORDER BY position LIMIT ?`},
		{&r.spanFold, `SELECT ` + foldColumns + ` FROM events WHERE position > ? AND position <= ? ORDER BY position`},
		{&r.stream, `SELECT ` + columns + ` FROM events WHERE stream = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?`},
		{&r.exist, `SELECT 1 FROM events WHERE stream = ? LIMIT 1`},
		{&r.last, `SELECT COALESCE(MAX(position), 0) FROM events`},
	} {
		if *st.dst, err = conn.Prepare(st.sql); err != nil {
			return nil, errorsJoinClose(err, conn)
		}
	}
	return r, nil
}

func errorsJoinClose(err error, c *lite.Conn) error {
	if cerr := c.Close(); cerr != nil {
		return fmt.Errorf("%w (and closing: %v)", err, cerr)
	}
	return err
}

func (r *reader) close() error { return r.conn.Close() }

func (r *reader) lastPosition() (uint64, error) {
	defer r.last.Reset()
	if _, err := r.last.Step(); err != nil {
		return 0, err
	}
	return uint64(r.last.Int64(0)), nil
}

// collect steps st to its end and decodes every row, appended to dst (grown to
// room for capacity more when it has less).
func (r *reader) collect(ctx context.Context, st *lite.Stmt, capacity int, dst []eventstore.Event, mode *readMode) ([]eventstore.Event, error) {
	defer st.Reset()
	defer r.dec.readInto(mode)()
	out := slices.Grow(dst, capacity)
	for i := 1; ; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		row, err := st.Step()
		if err != nil {
			return nil, storageErr("read", err)
		}
		if !row {
			return out, nil
		}
		// Every field of the element is set: a recycled page needs no clearing.
		out = append(out, eventstore.Event{})
		if err := r.dec.row(st, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
}

// fillSpan decodes the events at positions after+1 … after+len(out) into out, as
// mode says.
func (r *reader) fillSpan(ctx context.Context, after uint64, out []eventstore.Event, mode *readMode) error {
	st := r.span
	if mode != nil && mode.fold {
		st = r.spanFold
	}
	defer r.dec.readInto(mode)()
	if mode != nil && mode.fold {
		if done, err := r.foldFromPages(ctx, after, out); done {
			return err
		}
	}
	if err := bindAll(st, int64(after), int64(after)+int64(len(out))); err != nil {
		return storageErr("read", err)
	}
	defer st.Reset()
	for i := range out {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		row, err := st.Step()
		if err != nil {
			return storageErr("read", err)
		}
		if !row {
			return fmt.Errorf("%w: positions %d to %d hold %d events, want %d", eventstore.ErrStorage, after+1, after+uint64(len(out)), i, len(out))
		}
		if err := r.dec.row(st, &out[i]); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) withReader(ctx context.Context, fn func(r *reader) error) error {
	if _, closed := s.waitCh(); closed {
		return eventstore.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var r *reader
	select {
	case r = <-s.readers:
	case <-s.done:
		return eventstore.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { s.readers <- r }()
	return fn(r)
}

// sqlLimit maps the contract's limit (<= 0: all) to SQL's (-1: all) and a capacity
// for the result, bounded by what can exist.
func sqlLimit(limit int, atMost uint64) (int64, int) {
	c := min(atMost, 4096)
	if limit <= 0 {
		return -1, int(c)
	}
	return int64(limit), int(min(uint64(limit), c))
}

// ReadStream implements eventstore.Reader.
func (s *Store) ReadStream(ctx context.Context, stream string, fromVersion uint64, limit int) ([]eventstore.Event, error) {
	if err := eventstore.ValidateStream(stream); err != nil {
		return nil, err
	}
	var out []eventstore.Event
	err := s.withReader(ctx, func(r *reader) error {
		lim, c := sqlLimit(limit, 256)
		st := r.stream
		if err := bindAll(st, stream, int64(fromVersion), lim); err != nil {
			return storageErr("read", err)
		}
		var err error
		if out, err = r.collect(ctx, st, c, nil, nil); err != nil || len(out) > 0 {
			return err
		}
		if fromVersion > 0 {
			ok, err := r.exists(stream)
			if err != nil || ok {
				return err
			}
		}
		return fmt.Errorf("%w: %s", eventstore.ErrStreamNotFound, stream)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (r *reader) exists(stream string) (bool, error) {
	defer r.exist.Reset()
	if err := r.exist.BindText(1, stream); err != nil {
		return false, storageErr("read", err)
	}
	row, err := r.exist.Step()
	if err != nil {
		return false, storageErr("read", err)
	}
	return row, nil
}

// splitAt is the smallest page ReadAll splits across two connections: positions are
// gap-free, so a page of committed events is two known ranges that two cores can
// read at once (BenchmarkReadAllNoSplit measures the difference on a machine).
const splitAt = 2048

// ReadAll implements eventstore.Reader.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.Event, error) {
	return s.ReadAllAppend(ctx, after, limit, nil)
}

// ReadAllAppend implements eventstore.AppendReader.
func (s *Store) ReadAllAppend(ctx context.Context, after uint64, limit int, dst []eventstore.Event) ([]eventstore.Event, error) {
	return s.readAll(ctx, after, limit, dst, nil)
}

// ReadAllForFold implements eventstore.FoldReader: the same rows with empty strings for
// prev_hash and hash, which spares copying them twice (SQLite copies a column
// into its register, the decoder out of it).
func (s *Store) ReadAllForFold(ctx context.Context, after uint64, limit int, dst []eventstore.Event, data *eventstore.DataBuffer) ([]eventstore.Event, error) {
	return s.readAll(ctx, after, limit, dst, &readMode{fold: true, data: data})
}

// readMode is how a read decodes: whole (nil), or for a fold, without the hash chain
// and with Data in data's blocks when data is set.
type readMode struct {
	fold bool
	data *eventstore.DataBuffer
}

func (s *Store) readAll(ctx context.Context, after uint64, limit int, dst []eventstore.Event, mode *readMode) ([]eventstore.Event, error) {
	var out []eventstore.Event
	err := s.withReader(ctx, func(r *reader) error {
		head, err := s.readHead(r)
		if err != nil {
			return err
		}
		var avail uint64
		if head > after {
			avail = head - after
		}
		n := avail
		if limit > 0 {
			n = min(n, uint64(limit))
		}
		if r.pages != nil && mode != nil && mode.fold {
			// The span is known: read it as a span, from the pages, on this
			// goroutine. Split across two, as SQLite's reads are, the handoffs cost
			// more than the page walk they share while the fold and the decoding
			// keep both cores busy (1M replay: 6% less CPU unsplit, 5 of 6
			// alternated pairs faster).
			out = slices.Grow(dst, int(n))[:len(dst)+int(n)]
			return r.fillSpan(ctx, after, out[len(dst):], mode)
		}
		if n >= splitAt && !s.opts.noSplitReads {
			if r2 := s.idleReader(); r2 != nil {
				out = slices.Grow(dst, int(n))[:len(dst)+int(n)]
				return s.readSplit(ctx, r, r2, after, out[len(dst):], mode)
			}
		}
		lim, c := sqlLimit(limit, avail)
		st := r.all
		if mode != nil && mode.fold {
			st = r.allFold
		}
		if err := bindAll(st, int64(after), lim); err != nil {
			return storageErr("read", err)
		}
		out, err = r.collect(ctx, st, c, dst, mode)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// idleReader takes a second connection only if one is free right now.
func (s *Store) idleReader() *reader {
	select {
	case r := <-s.readers:
		return r
	default:
		return nil
	}
}

// readSplit reads the committed events after+1 … after+len(out): the second half on
// r2 in its own goroutine, the first half here.
func (s *Store) readSplit(ctx context.Context, r, r2 *reader, after uint64, out []eventstore.Event, mode *readMode) error {
	half := len(out) / 2
	done := make(chan error, 1)
	go func() {
		done <- r2.fillSpan(ctx, after+uint64(half), out[half:], mode)
		s.readers <- r2
	}()
	err := r.fillSpan(ctx, after, out[:half], mode)
	return errors.Join(err, <-done)
}

// bindAll binds text and integer parameters in order.
func bindAll(st *lite.Stmt, args ...any) error {
	for i, a := range args {
		var err error
		switch v := a.(type) {
		case string:
			err = st.BindText(i+1, v)
		case int64:
			err = st.BindInt64(i+1, v)
		default:
			panic(fmt.Sprintf("bindAll: unsupported %T", a))
		}
		if err != nil {
			st.Reset()
			return err
		}
	}
	return nil
}
