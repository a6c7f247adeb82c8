package lite

import (
	"sync"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// GatherWALWrites makes the frames of each commit reach the WAL file in one write.
//
// SQLite writes a commit's WAL frames one system call at a time, two per page (the
// frame header, then the page), then syncs. Where a system call costs microseconds
// (virtual machines), a commit of a few dozen pages spends more in those calls than
// in everything else. Here the connection's WAL file keeps contiguous writes in a
// buffer and hands them to SQLite's own write in one piece before anything that needs
// them on the file: a sync, a read, a truncation, a size query, a file control or a
// close. A write that does not extend the buffer, or is larger than limit, flushes
// the buffer and goes through as it came.
//
// This is sound only if every commit syncs the WAL before publishing its frames to
// other connections, which SQLite does under synchronous=FULL (the sync comes before
// the WAL index is updated); under NORMAL or OFF readers could be shown frames still
// in the buffer, so the caller must not use it there. It reports whether the WAL file
// was open and is now gathered.
func (c *Conn) GatherWALWrites(limit int) bool {
	main, err := cString(c.tls, "main")
	if err != nil {
		return false
	}
	defer sqlite3.Xsqlite3_free(c.tls, main)
	pp := c.tls.Alloc(8)
	defer c.tls.Free(8)
	*(*uintptr)(at(pp)) = 0
	if rc := sqlite3.Xsqlite3_file_control(c.tls, c.db, main, sqlite3.SQLITE_FCNTL_JOURNAL_POINTER, pp); rc != sqlite3.SQLITE_OK {
		return false
	}
	pFile := *(*uintptr)(at(pp))
	if pFile == 0 {
		return false
	}
	f := (*sqlite3.Tsqlite3_file)(at(pFile))
	if f.FpMethods == 0 {
		return false
	}
	gatherMu.Lock()
	defer gatherMu.Unlock()
	if _, done := gathered[pFile]; done {
		return true
	}
	// The replacement table lives in SQLite's heap, as SQLite's own tables live
	// outside Go's: SQLite turns the address back into a pointer, which Go allows
	// for memory it does not manage.
	table := sqlite3.Xsqlite3_malloc64(c.tls, uint64(unsafe.Sizeof(sqlite3.Tsqlite3_io_methods{})))
	if table == 0 {
		return false
	}
	g := &gatherFile{orig: *(*sqlite3.Tsqlite3_io_methods)(at(f.FpMethods)), table: table, limit: limit}
	m := (*sqlite3.Tsqlite3_io_methods)(at(table))
	*m = g.orig
	*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxClose)) = gatherClose
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxRead)) = gatherRead
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxWrite)) = gatherWrite
	*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&m.FxTruncate)) = gatherTruncate
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxSync)) = gatherSync
	*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&m.FxFileSize)) = gatherFileSize
	*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&m.FxFileControl)) = gatherFileControl
	gathered[pFile] = g
	f.FpMethods = table
	return true
}

// gatherFile is the state of one gathered WAL file: SQLite's own methods, the table
// that replaces them and the pending bytes that belong at off (both in SQLite's
// heap).
type gatherFile struct {
	orig       sqlite3.Tsqlite3_io_methods
	table, buf uintptr
	size, n    int
	off        int64
	limit      int
}

var (
	gatherMu sync.Mutex
	gathered = map[uintptr]*gatherFile{}
)

func gatherOf(pFile uintptr) *gatherFile {
	gatherMu.Lock()
	defer gatherMu.Unlock()
	return gathered[pFile]
}

// maxWrite is the most SQLite's unix write passes to one pwrite (it masks sizes to
// 17 bits), rounded down.
const maxWrite = 120 << 10

// flush writes the pending bytes with SQLite's own write, in pieces it accepts.
func (g *gatherFile) flush(tls *libc.TLS, pFile uintptr) int32 {
	n := g.n
	g.n = 0
	for done := 0; done < n; {
		k := min(n-done, maxWrite)
		if rc := callWrite(g.orig.FxWrite, tls, pFile, g.buf+uintptr(done), int32(k), g.off+int64(done)); rc != sqlite3.SQLITE_OK {
			return rc
		}
		done += k
	}
	return sqlite3.SQLITE_OK
}

func gatherWrite(tls *libc.TLS, pFile, zBuf uintptr, iAmt int32, iOfst int64) int32 {
	g := gatherOf(pFile)
	amt := int(iAmt)
	if g.n > 0 && (iOfst != g.off+int64(g.n) || g.n+amt > g.limit) {
		if rc := g.flush(tls, pFile); rc != sqlite3.SQLITE_OK {
			return rc
		}
	}
	if amt > g.limit || amt > maxWrite {
		return callWrite(g.orig.FxWrite, tls, pFile, zBuf, iAmt, iOfst)
	}
	if g.n+amt > g.size {
		size := max(2*g.size, g.n+amt, 64<<10)
		p := sqlite3.Xsqlite3_realloc64(tls, g.buf, uint64(size))
		if p == 0 {
			if rc := g.flush(tls, pFile); rc != sqlite3.SQLITE_OK {
				return rc
			}
			return callWrite(g.orig.FxWrite, tls, pFile, zBuf, iAmt, iOfst)
		}
		g.buf, g.size = p, size
	}
	if g.n == 0 {
		g.off = iOfst
	}
	copy(unsafe.Slice((*byte)(at(g.buf+uintptr(g.n))), amt), unsafe.Slice((*byte)(at(zBuf)), amt))
	g.n += amt
	return sqlite3.SQLITE_OK
}

func gatherSync(tls *libc.TLS, pFile uintptr, flags int32) int32 {
	g := gatherOf(pFile)
	if rc := g.flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&g.orig.FxSync)))(tls, pFile, flags)
}

func gatherRead(tls *libc.TLS, pFile, zBuf uintptr, iAmt int32, iOfst int64) int32 {
	g := gatherOf(pFile)
	if rc := g.flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&g.orig.FxRead)))(tls, pFile, zBuf, iAmt, iOfst)
}

func gatherTruncate(tls *libc.TLS, pFile uintptr, size int64) int32 {
	g := gatherOf(pFile)
	if rc := g.flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&g.orig.FxTruncate)))(tls, pFile, size)
}

func gatherFileSize(tls *libc.TLS, pFile, pSize uintptr) int32 {
	g := gatherOf(pFile)
	if rc := g.flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&g.orig.FxFileSize)))(tls, pFile, pSize)
}

func gatherFileControl(tls *libc.TLS, pFile uintptr, op int32, pArg uintptr) int32 {
	g := gatherOf(pFile)
	if rc := g.flush(tls, pFile); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&g.orig.FxFileControl)))(tls, pFile, op, pArg)
}

// gatherClose flushes, closes with SQLite's own close and forgets the file. SQLite
// clears the file's methods pointer once this returns and does not read the table
// again, so it is freed here.
func gatherClose(tls *libc.TLS, pFile uintptr) int32 {
	g := gatherOf(pFile)
	rc := g.flush(tls, pFile)
	crc := (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&g.orig.FxClose)))(tls, pFile)
	sqlite3.Xsqlite3_free(tls, g.buf)
	sqlite3.Xsqlite3_free(tls, g.table)
	g.buf, g.size, g.table = 0, 0, 0
	gatherMu.Lock()
	delete(gathered, pFile)
	gatherMu.Unlock()
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return crc
}

func callWrite(fp uintptr, tls *libc.TLS, pFile, buf uintptr, n int32, off int64) int32 {
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&fp)))(tls, pFile, buf, n, off)
}
