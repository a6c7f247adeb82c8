package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/pagefile"
)

// ForReplay opens the store for a process that reads the log whole and appends
// nothing (ledger replay). The folder lock is taken as Open takes it, the WAL is
// checkpointed into the database file, Append fails with ErrReplayOnly, and reads
// for a fold walk the events table's pages in the file itself (internal/pagefile)
// instead of stepping SQLite through them (through SQLite, reading was ~40% of a
// million-pathway replay's CPU; from the pages the replay takes ~25% less). That is
// sound only because nothing can write the file meanwhile: this process holds the
// lock and appends nothing, and read-only processes never write it.
//
// Should the file not allow it (a WAL another process's reader keeps from being
// checkpointed, a platform that cannot map files), or the page reader meet a page it
// cannot read, folds read through SQLite as they otherwise do; FoldReads says which.
func ForReplay() Option { return func(o *options) { o.forReplay = true } }

// ErrReplayOnly is the answer to Append on a store opened with ForReplay.
var ErrReplayOnly = errors.New("sqlite: store opened for a replay: it appends nothing")

// pageReads is the mapped database file that readers share for folds.
type pageReads struct {
	file *pagefile.File
	root uint32 // the events table's B-tree
	mu   sync.Mutex
	why  string      // why folds read through SQLite instead, when they do
	off  atomic.Bool // set once the page reader has failed
}

// FoldReads says how this store's reads for a fold find the events: from the
// database file's pages, or through SQLite and why.
func (s *Store) FoldReads() string {
	p := s.pages
	switch {
	case !s.opts.forReplay || s.opts.readOnly:
		return "through SQLite"
	case p == nil:
		return "through SQLite: " + s.pagesWhy
	case p.off.Load():
		p.mu.Lock()
		defer p.mu.Unlock()
		return "through SQLite: " + p.why
	}
	return "from the database file's pages"
}

// openPages checkpoints the whole WAL into the database file and maps the file for
// the readers. When it cannot, folds read through SQLite and pagesWhy says why.
func (s *Store) openPages() {
	why, err := s.mapPages()
	if err != nil {
		s.pagesWhy = fmt.Sprintf("%s: %v", why, err)
		return
	}
	for range s.nread {
		r := <-s.readers
		r.pages = s.pages
		defer func() { s.readers <- r }()
	}
}

func (s *Store) mapPages() (string, error) {
	st, err := s.w.conn.Prepare(`PRAGMA wal_checkpoint(TRUNCATE)`)
	if err != nil {
		return "checkpoint", err
	}
	defer st.Close()
	// Another process's read of WAL frames holds the checkpoint back; it is
	// waited for (as long as any busy connection waits, unless a test says).
	s.w.conn.BusyTimeout(s.opts.replayWaitMS)
	defer s.w.conn.BusyTimeout(busyTimeoutMS)
	if _, err := st.Step(); err != nil {
		return "checkpoint", err
	}
	busy := st.Int64(0)
	st.Reset()
	if busy != 0 {
		return "checkpoint", errors.New("another process is reading the log")
	}
	if fi, err := os.Stat(s.Path() + "-wal"); err == nil && fi.Size() > 0 {
		return "checkpoint", fmt.Errorf("the WAL still holds %d bytes", fi.Size())
	}
	q, err := s.w.conn.Prepare(`SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = 'events'`)
	if err != nil {
		return "find the events table", err
	}
	defer q.Close()
	row, err := q.Step()
	if err != nil || !row {
		return "find the events table", errors.Join(err, errors.New("not in the schema"))
	}
	root := q.Int64(0)
	q.Reset()
	f, err := pagefile.Open(s.Path())
	if err != nil {
		return "map the database file", err
	}
	s.pages = &pageReads{file: f, root: uint32(root)}
	return "", nil
}

// fillFromPages decodes the events at positions after+1 … after+len(out) from the
// mapped file's pages, for a fold (the hash chain left empty).
func (r *reader) fillFromPages(ctx context.Context, after uint64, out []eventstore.Event) error {
	if r.cursor == nil {
		r.cursor = r.pages.file.Cursor(r.pages.root)
	}
	c := r.cursor
	if err := c.SeekRowid(int64(after) + 1); err != nil {
		return err
	}
	var vals [colHash + 1]pagefile.Value
	var row rowCols
	for i := range out {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		pos, rec, ok, err := c.Next()
		if err != nil {
			return err
		}
		if want := int64(after) + int64(i) + 1; !ok || pos != want {
			return fmt.Errorf("the table's row after position %d is %d (found: %t), not %d", want-1, pos, ok, want)
		}
		n, err := pagefile.Columns(rec, vals[:])
		if err != nil {
			return fmt.Errorf("position %d: %w", pos, err)
		}
		if n != len(vals) || !vals[colPosition].Null() {
			return fmt.Errorf("position %d: a record of %d columns, not the events table's %d", pos, n, len(vals))
		}
		row.position = pos
		for _, col := range [...]int{colVersion, colSchemaVersion} {
			v, ok := vals[col].Int()
			if !ok {
				return fmt.Errorf("position %d: column %d has serial type %d, not an integer", pos, col, vals[col].Type)
			}
			if col == colVersion {
				row.version = v
			} else {
				row.schemaVersion = v
			}
		}
		for _, col := range [...]int{colStream, colEventID, colType, colOccurredOn, colRecordedAt, colActorUser,
			colActorRole, colCorrelation, colCausation, colReason, colData} {
			if !vals[col].Text() {
				return fmt.Errorf("position %d: column %d has serial type %d, not text", pos, col, vals[col].Type)
			}
			row.text[col] = vals[col].Bytes
		}
		if err := r.dec.fill(&row, &out[i]); err != nil {
			return err
		}
	}
	return nil
}

// foldFromPages fills out from the pages when the store reads them for folds, and
// reports whether it did. A failure other than the caller's context turns page
// reads off for the store's life, recorded for FoldReads, and the caller reads the
// span through SQLite.
func (r *reader) foldFromPages(ctx context.Context, after uint64, out []eventstore.Event) (bool, error) {
	p := r.pages
	if p == nil || p.off.Load() {
		return false, nil
	}
	err := r.fillFromPages(ctx, after, out)
	if err == nil || ctx.Err() != nil {
		return true, err
	}
	p.mu.Lock()
	if !p.off.Load() {
		p.why = fmt.Sprintf("the page reader failed at positions %d to %d: %v", after+1, after+uint64(len(out)), err)
		p.off.Store(true)
	}
	p.mu.Unlock()
	return false, nil
}
