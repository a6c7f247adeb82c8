// Package pagefile reads the rows of a SQLite table straight from the pages of its
// database file, as the file format documents them (sqlite.org/fileformat2.html):
// the table's B-tree is walked in rowid order and each row's record split into its
// columns, with no SQL engine between. A replay spends most of its reading time in
// the engine's virtual machine copying every column twice; here a row is a slice of
// the mapped file.
//
// It is only sound for a file that nothing writes while it is mapped and whose
// write-ahead log has been checkpointed into it: pages in a WAL are not seen, and a
// page rewritten under a reader could be read half old, half new. Every page is
// checked before it is trusted, so a damaged file gives ErrCorrupt, never a panic or
// a read outside the file.
package pagefile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// ErrCorrupt: the file is not a database this package can read, or a page is not
// what the B-tree says it is.
var ErrCorrupt = errors.New("pagefile: not a readable SQLite database file")

// ErrUnsupported: this platform cannot map the file.
var ErrUnsupported = errors.New("pagefile: mapping files is not supported here")

const headerMagic = "SQLite format 3\x00"

// File is a database file mapped read-only.
type File struct {
	data     []byte
	pageSize int
	usable   int
	pages    uint32
	unmap    func() error
}

// Open maps the database file at path and checks its header: a page size SQLite
// can write, text in UTF-8, and a page count the file holds.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data, unmap, err := mapFile(f, fi.Size())
	if err != nil {
		return nil, err
	}
	file, err := parseHeader(data)
	if err != nil {
		_ = unmap()
		return nil, err
	}
	file.unmap = unmap
	return file, nil
}

// New reads a database image held in memory (tests, fuzzing).
func New(data []byte) (*File, error) {
	f, err := parseHeader(data)
	if err != nil {
		return nil, err
	}
	f.unmap = func() error { return nil }
	return f, nil
}

func parseHeader(data []byte) (*File, error) {
	if len(data) < 100 || string(data[:16]) != headerMagic {
		return nil, fmt.Errorf("%w: no SQLite header", ErrCorrupt)
	}
	size := int(binary.BigEndian.Uint16(data[16:18]))
	if size == 1 {
		size = 65536
	}
	if size < 512 || size > 65536 || size&(size-1) != 0 {
		return nil, fmt.Errorf("%w: page size %d", ErrCorrupt, size)
	}
	usable := size - int(data[20])
	if usable < 480 {
		return nil, fmt.Errorf("%w: %d usable bytes a page", ErrCorrupt, usable)
	}
	if enc := binary.BigEndian.Uint32(data[56:60]); enc != 1 {
		return nil, fmt.Errorf("%w: text encoding %d, not UTF-8", ErrCorrupt, enc)
	}
	inFile := uint64(len(data) / size)
	pages := uint64(binary.BigEndian.Uint32(data[28:32]))
	// The header's count is valid only when written by the version that last
	// changed the file (SQLite's rule); otherwise the file's size says.
	if pages == 0 || binary.BigEndian.Uint32(data[24:28]) != binary.BigEndian.Uint32(data[92:96]) {
		pages = inFile
	}
	if pages > inFile || pages > 1<<32-1 {
		return nil, fmt.Errorf("%w: the header counts %d pages, the file holds %d", ErrCorrupt, pages, inFile)
	}
	return &File{data: data, pageSize: size, usable: usable, pages: uint32(pages)}, nil
}

// Close unmaps the file; nothing read from it may be used afterwards.
func (f *File) Close() error {
	f.data = nil
	return f.unmap()
}

// Pages is how many pages the file holds.
func (f *File) Pages() uint32 { return f.pages }

// page returns page n (1-based) and where its B-tree header starts: page 1 begins
// with the file's 100-byte header.
func (f *File) page(n uint32) ([]byte, int, error) {
	if n == 0 || n > f.pages {
		return nil, 0, fmt.Errorf("%w: page %d of %d", ErrCorrupt, n, f.pages)
	}
	at := int(n-1) * f.pageSize
	hdr := 0
	if n == 1 {
		hdr = 100
	}
	return f.data[at : at+f.pageSize : at+f.pageSize], hdr, nil
}
