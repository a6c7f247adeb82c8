package lite

import (
	"unsafe"

	sqlite3 "modernc.org/sqlite/lib"
)

// Stmt is a prepared statement. Text parameters are copied into a C buffer that the
// statement owns (SQLite reads them in place, SQLITE_STATIC) until the next Reset.
type Stmt struct {
	c     *Conn
	p     uintptr
	sql   string
	cols  int
	arena []chunk
}

type chunk struct {
	p          uintptr
	size, used int
}

const chunkSize = 64 << 10

// put copies b into the statement's C buffer and returns its address. Earlier
// addresses stay valid: a full chunk is followed by a new one, never moved.
func (s *Stmt) put(b []byte) (uintptr, error) {
	n := len(b)
	if len(s.arena) == 0 || s.arena[len(s.arena)-1].size-s.arena[len(s.arena)-1].used < n+1 {
		size := max(chunkSize, n+1)
		p := sqlite3.Xsqlite3_malloc64(s.c.tls, uint64(size))
		if p == 0 {
			return 0, errNoMem
		}
		s.arena = append(s.arena, chunk{p: p, size: size})
	}
	ch := &s.arena[len(s.arena)-1]
	p := ch.p + uintptr(ch.used)
	copy(unsafe.Slice((*byte)(at(p)), n), b)
	ch.used += n + 1 // a spare byte keeps an empty value's address non-NULL and distinct
	return p, nil
}

// BindInt64 binds parameter i (1-based).
func (s *Stmt) BindInt64(i int, v int64) error {
	if rc := sqlite3.Xsqlite3_bind_int64(s.c.tls, s.p, int32(i), v); rc != sqlite3.SQLITE_OK {
		return s.c.err(rc, s.sql)
	}
	return nil
}

// BindText binds parameter i to UTF-8 text (an empty string is empty text, not NULL).
func (s *Stmt) BindText(i int, v string) error {
	return s.BindTextBytes(i, unsafe.Slice(unsafe.StringData(v), len(v)))
}

// BindTextBytes binds parameter i to the UTF-8 text in b.
func (s *Stmt) BindTextBytes(i int, b []byte) error {
	p, err := s.put(b)
	if err != nil {
		return err
	}
	if rc := sqlite3.Xsqlite3_bind_text(s.c.tls, s.p, int32(i), p, int32(len(b)), 0); rc != sqlite3.SQLITE_OK {
		return s.c.err(rc, s.sql)
	}
	return nil
}

// Step advances the statement: true when a row is ready to read.
func (s *Stmt) Step() (bool, error) {
	switch rc := sqlite3.Xsqlite3_step(s.c.tls, s.p); rc {
	case sqlite3.SQLITE_ROW:
		return true, nil
	case sqlite3.SQLITE_DONE:
		return false, nil
	default:
		return false, s.c.err(rc, s.sql)
	}
}

// Exec steps the statement to its end and resets it.
func (s *Stmt) Exec() error {
	defer s.Reset()
	for {
		row, err := s.Step()
		if err != nil || !row {
			return err
		}
	}
}

// Reset readies the statement to run again. Parameters keep their values (clearing
// them would make SQLite recompile the statement on its next run), so callers bind
// every parameter before each run. Text beyond the first buffer is released, and
// the parameters that might still point at it are cleared first.
func (s *Stmt) Reset() {
	sqlite3.Xsqlite3_reset(s.c.tls, s.p)
	if len(s.arena) == 0 {
		return
	}
	if len(s.arena) == 1 && s.arena[0].size == chunkSize {
		s.arena[0].used = 0
		return
	}
	sqlite3.Xsqlite3_clear_bindings(s.c.tls, s.p)
	for i := 1; i < len(s.arena); i++ {
		sqlite3.Xsqlite3_free(s.c.tls, s.arena[i].p)
	}
	if s.arena[0].size > chunkSize {
		sqlite3.Xsqlite3_free(s.c.tls, s.arena[0].p)
		s.arena = s.arena[:0]
		return
	}
	s.arena = s.arena[:1]
	s.arena[0].used = 0
}

// Columns is the number of result columns.
func (s *Stmt) Columns() int { return s.cols }

// Int64 reads column i (0-based) of the current row.
func (s *Stmt) Int64(i int) int64 {
	return sqlite3.Xsqlite3_column_int64(s.c.tls, s.p, int32(i))
}

// Bytes returns column i of the current row as text or blob bytes, in place: the
// slice is valid only until the next Step, Reset or Close.
func (s *Stmt) Bytes(i int) []byte {
	p := sqlite3.Xsqlite3_column_blob(s.c.tls, s.p, int32(i))
	n := sqlite3.Xsqlite3_column_bytes(s.c.tls, s.p, int32(i))
	if p == 0 || n <= 0 {
		return nil
	}
	return unsafe.Slice((*byte)(at(p)), int(n))
}

// IsNull reports whether column i of the current row is NULL.
func (s *Stmt) IsNull(i int) bool {
	return sqlite3.Xsqlite3_column_type(s.c.tls, s.p, int32(i)) == sqlite3.SQLITE_NULL
}

// Text returns a copy of column i of the current row.
func (s *Stmt) Text(i int) string { return string(s.Bytes(i)) }

// Close finalizes the statement.
func (s *Stmt) Close() {
	if s == nil || s.p == 0 {
		return
	}
	s.Reset()
	if len(s.arena) > 0 {
		sqlite3.Xsqlite3_free(s.c.tls, s.arena[0].p)
		s.arena = nil
	}
	sqlite3.Xsqlite3_finalize(s.c.tls, s.p)
	s.p = 0
}
