// Package lite is the embedded engine's narrow binding to SQLite's C API, as
// modernc.org/sqlite/lib transpiles it to Go.
//
// The engine does not go through database/sql: on the ledger's rows (16 columns,
// ~700 bytes) database/sql and its driver spent about three quarters of a read in
// per-column conversions, allocations and the connection mutex, and every append in
// argument conversion and C string copies. Here a statement is prepared once, text is
// bound from a reusable C buffer and columns are read in place, so a read costs what
// SQLite itself costs.
//
// A Conn and its statements belong to one goroutine at a time (connections are
// opened without SQLite's own mutex); the engine guarantees that by ownership.
package lite

import (
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Conn is one SQLite database connection.
type Conn struct {
	tls   *libc.TLS
	db    uintptr
	stmts []*Stmt
}

// at turns an address inside SQLite's heap (outside Go's) into a pointer.
func at(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// Open opens the database file at path: read-write (created if missing) or
// read-only. Extended result codes are on.
func Open(path string, readOnly bool) (*Conn, error) {
	tls := libc.NewTLS()
	flags := int32(sqlite3.SQLITE_OPEN_NOMUTEX | sqlite3.SQLITE_OPEN_EXRESCODE)
	if readOnly {
		flags |= sqlite3.SQLITE_OPEN_READONLY
	} else {
		flags |= sqlite3.SQLITE_OPEN_READWRITE | sqlite3.SQLITE_OPEN_CREATE
	}
	cpath, err := cString(tls, path)
	if err != nil {
		tls.Close()
		return nil, err
	}
	defer sqlite3.Xsqlite3_free(tls, cpath)
	pdb := tls.Alloc(8)
	defer tls.Free(8)
	*(*uintptr)(at(pdb)) = 0
	rc := sqlite3.Xsqlite3_open_v2(tls, cpath, pdb, flags, 0)
	db := *(*uintptr)(at(pdb))
	if rc != sqlite3.SQLITE_OK {
		err := &Error{Code: int(rc), Op: "open " + path, Msg: errstr(tls, rc)}
		if db != 0 {
			err.Msg = libc.GoString(sqlite3.Xsqlite3_errmsg(tls, db))
			sqlite3.Xsqlite3_close_v2(tls, db)
		}
		tls.Close()
		return nil, err
	}
	return &Conn{tls: tls, db: db}, nil
}

// Exec runs one or more SQL statements that take no parameters.
func (c *Conn) Exec(sql string) error {
	q, err := cString(c.tls, sql)
	if err != nil {
		return err
	}
	defer sqlite3.Xsqlite3_free(c.tls, q)
	if rc := sqlite3.Xsqlite3_exec(c.tls, c.db, q, 0, 0, 0); rc != sqlite3.SQLITE_OK {
		return c.err(rc, sql)
	}
	return nil
}

// BusyTimeout makes a locked database wait up to ms milliseconds before SQLITE_BUSY.
func (c *Conn) BusyTimeout(ms int) {
	sqlite3.Xsqlite3_busy_timeout(c.tls, c.db, int32(ms))
}

// InTransaction reports whether an explicit transaction is open.
func (c *Conn) InTransaction() bool {
	return sqlite3.Xsqlite3_get_autocommit(c.tls, c.db) == 0
}

// Prepare compiles one statement for repeated use.
func (c *Conn) Prepare(sql string) (*Stmt, error) {
	q, err := cString(c.tls, sql)
	if err != nil {
		return nil, err
	}
	defer sqlite3.Xsqlite3_free(c.tls, q)
	pp := c.tls.Alloc(8)
	defer c.tls.Free(8)
	*(*uintptr)(at(pp)) = 0
	if rc := sqlite3.Xsqlite3_prepare_v3(c.tls, c.db, q, -1, sqlite3.SQLITE_PREPARE_PERSISTENT, pp, 0); rc != sqlite3.SQLITE_OK {
		return nil, c.err(rc, sql)
	}
	p := *(*uintptr)(at(pp))
	if p == 0 {
		return nil, &Error{Code: sqlite3.SQLITE_MISUSE, Op: sql, Msg: "no statement"}
	}
	st := &Stmt{c: c, p: p, sql: sql, cols: int(sqlite3.Xsqlite3_column_count(c.tls, p))}
	c.stmts = append(c.stmts, st)
	return st, nil
}

// Close closes the connection and every statement prepared on it.
func (c *Conn) Close() error {
	if c == nil || c.db == 0 {
		return nil
	}
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
	rc := sqlite3.Xsqlite3_close(c.tls, c.db)
	var err error
	if rc != sqlite3.SQLITE_OK {
		err = c.err(rc, "close")
	}
	c.db = 0
	c.tls.Close()
	return err
}

func (c *Conn) err(rc int32, op string) error {
	return &Error{Code: int(rc), Op: op, Msg: libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db))}
}

func errstr(tls *libc.TLS, rc int32) string {
	return libc.GoString(sqlite3.Xsqlite3_errstr(tls, rc))
}

// cString copies s into SQLite's heap with a terminating NUL; free it with
// sqlite3_free.
func cString(tls *libc.TLS, s string) (uintptr, error) {
	p := sqlite3.Xsqlite3_malloc64(tls, uint64(len(s)+1))
	if p == 0 {
		return 0, errNoMem
	}
	b := unsafe.Slice((*byte)(at(p)), len(s)+1)
	copy(b, s)
	b[len(s)] = 0
	return p, nil
}
