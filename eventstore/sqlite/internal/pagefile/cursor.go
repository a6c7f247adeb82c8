package pagefile

import (
	"encoding/binary"
	"fmt"
)

// Page types of a table B-tree.
const (
	tableInterior = 0x05
	tableLeaf     = 0x0d
)

// maxDepth is SQLite's own bound on a B-tree's depth (BTCURSOR_MAX_DEPTH); a deeper
// walk can only be a cycle in a damaged file.
const maxDepth = 20

// Cursor walks one table's rows in rowid order. It belongs to one goroutine.
type Cursor struct {
	f       *File
	root    uint32
	stack   [maxDepth]frame
	depth   int
	visited uint64 // pages read since the seek: a walk reads each page once
	scratch []byte // a row that spills to overflow pages, put back together
}

// frame is one page on the path from the root: for an interior page, idx is the
// child being walked (n means the right-most pointer); for a leaf, the next cell.
type frame struct {
	pgno uint32
	page []byte
	hdr  int // where the B-tree header starts
	n    int // cells
	idx  int
	leaf bool
}

// Cursor returns a cursor over the table whose B-tree is rooted at page root, not
// yet positioned: SeekRowid first.
func (f *File) Cursor(root uint32) *Cursor { return &Cursor{f: f, root: root} }

// SeekRowid positions the cursor so that Next returns the first row whose rowid is at
// least rowid.
func (c *Cursor) SeekRowid(rowid int64) error {
	c.depth, c.visited = 0, 0
	pgno := c.root
	for {
		fr, err := c.push(pgno)
		if err != nil {
			return err
		}
		// The first cell whose key is >= rowid: interior keys are the largest rowid
		// of their left child, leaf keys the rows' own.
		lo, hi := 0, fr.n
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			key, err := c.key(fr, mid)
			if err != nil {
				return err
			}
			if key < rowid {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		fr.idx = lo
		if fr.leaf {
			return nil
		}
		if pgno, err = c.child(fr); err != nil {
			return err
		}
	}
}

// Next returns the next row's rowid and record. The record is valid until the next
// call: it is the mapped page itself or, for a row that spills to overflow pages,
// the cursor's own buffer. ok is false past the last row.
func (c *Cursor) Next() (rowid int64, record []byte, ok bool, err error) {
	for c.depth > 0 {
		fr := &c.stack[c.depth-1]
		if fr.leaf {
			if fr.idx < fr.n {
				fr.idx++
				return c.cell(fr, fr.idx-1)
			}
		} else if fr.idx <= fr.n {
			// Descend into the child being walked, to its leftmost leaf.
			pgno, err := c.child(fr)
			if err != nil {
				return 0, nil, false, err
			}
			for {
				ch, err := c.push(pgno)
				if err != nil {
					return 0, nil, false, err
				}
				if ch.leaf {
					break
				}
				if pgno, err = c.child(ch); err != nil {
					return 0, nil, false, err
				}
			}
			continue
		}
		// This page is done: the parent moves on to its next child.
		c.depth--
		if c.depth > 0 {
			c.stack[c.depth-1].idx++
		}
	}
	return 0, nil, false, nil
}

// push reads page pgno as a table B-tree page onto the path.
func (c *Cursor) push(pgno uint32) (*frame, error) {
	if c.depth == maxDepth {
		return nil, fmt.Errorf("%w: table B-tree from page %d deeper than %d", ErrCorrupt, c.root, maxDepth)
	}
	// A walk reads each page once; more is a cycle, whose walk could be endless.
	if c.visited++; c.visited > uint64(c.f.pages)+maxDepth {
		return nil, fmt.Errorf("%w: table B-tree from page %d reaches a page twice", ErrCorrupt, c.root)
	}
	page, hdr, err := c.f.page(pgno)
	if err != nil {
		return nil, err
	}
	fr := &c.stack[c.depth]
	*fr = frame{pgno: pgno, page: page, hdr: hdr}
	switch page[hdr] {
	case tableLeaf:
		fr.leaf = true
	case tableInterior:
	default:
		return nil, fmt.Errorf("%w: page %d has type %#x, not a table page", ErrCorrupt, pgno, page[hdr])
	}
	fr.n = int(binary.BigEndian.Uint16(page[hdr+3:]))
	if fr.cellPtr(fr.n) > c.f.usable {
		return nil, fmt.Errorf("%w: page %d claims %d cells", ErrCorrupt, pgno, fr.n)
	}
	c.depth++
	return fr, nil
}

// cellPtr is where cell i's pointer sits in the page.
func (fr *frame) cellPtr(i int) int {
	if fr.leaf {
		return fr.hdr + 8 + 2*i
	}
	return fr.hdr + 12 + 2*i
}

// cellAt is where cell i starts, checked to lie in the page's usable bytes.
func (c *Cursor) cellAt(fr *frame, i int) (int, error) {
	off := int(binary.BigEndian.Uint16(fr.page[fr.cellPtr(i):]))
	if off < fr.cellPtr(fr.n) || off >= c.f.usable {
		return 0, fmt.Errorf("%w: page %d cell %d at offset %d", ErrCorrupt, fr.pgno, i, off)
	}
	return off, nil
}

// key is cell i's rowid: its own on a leaf, its left child's largest on an interior
// page.
func (c *Cursor) key(fr *frame, i int) (int64, error) {
	off, err := c.cellAt(fr, i)
	if err != nil {
		return 0, err
	}
	b := fr.page[:c.f.usable]
	if fr.leaf {
		_, n := varint(b[off:])
		if n == 0 {
			return 0, c.bad(fr, i, "payload size")
		}
		off += n
	} else {
		off += 4
		if off > len(b) {
			return 0, c.bad(fr, i, "child pointer")
		}
	}
	key, n := varint(b[off:])
	if n == 0 {
		return 0, c.bad(fr, i, "rowid")
	}
	return int64(key), nil
}

// child is the page number of the interior frame's child at idx.
func (c *Cursor) child(fr *frame) (uint32, error) {
	if fr.idx == fr.n {
		return binary.BigEndian.Uint32(fr.page[fr.hdr+8:]), nil
	}
	off, err := c.cellAt(fr, fr.idx)
	if err != nil {
		return 0, err
	}
	if off+4 > c.f.usable {
		return 0, c.bad(fr, fr.idx, "child pointer")
	}
	return binary.BigEndian.Uint32(fr.page[off:]), nil
}

// cell decodes leaf cell i: its rowid and whole record.
func (c *Cursor) cell(fr *frame, i int) (int64, []byte, bool, error) {
	off, err := c.cellAt(fr, i)
	if err != nil {
		return 0, nil, false, err
	}
	b := fr.page[:c.f.usable]
	size, n := varint(b[off:])
	if n == 0 {
		return 0, nil, false, c.bad(fr, i, "payload size")
	}
	off += n
	rowid, n := varint(b[off:])
	if n == 0 {
		return 0, nil, false, c.bad(fr, i, "rowid")
	}
	off += n
	u := uint64(c.f.usable)
	local := size
	if maxLocal := u - 35; size > maxLocal {
		// How much of a spilling record its leaf keeps (the format's rule).
		minLocal := (u-12)*32/255 - 23
		local = minLocal + (size-minLocal)%(u-4)
		if local > maxLocal {
			local = minLocal
		}
	}
	if uint64(off)+local > u {
		return 0, nil, false, c.bad(fr, i, "record past the page")
	}
	if local == size {
		return int64(rowid), b[off : off+int(local) : off+int(local)], true, nil
	}
	rec, err := c.spill(fr, i, b[off:off+int(local)], size, b[off+int(local):])
	return int64(rowid), rec, err == nil, err
}

// spill puts a record together from its leaf part and its chain of overflow pages.
func (c *Cursor) spill(fr *frame, i int, local []byte, size uint64, tail []byte) ([]byte, error) {
	if len(tail) < 4 {
		return nil, c.bad(fr, i, "overflow pointer past the page")
	}
	if size > uint64(c.f.pages)*uint64(c.f.usable) {
		return nil, c.bad(fr, i, "record larger than the file")
	}
	if uint64(cap(c.scratch)) < size {
		c.scratch = make([]byte, 0, size)
	}
	rec := append(c.scratch[:0], local...)
	next := binary.BigEndian.Uint32(tail)
	for uint64(len(rec)) < size {
		page, _, err := c.f.page(next)
		if err != nil {
			return nil, fmt.Errorf("overflow of page %d cell %d: %w", fr.pgno, i, err)
		}
		body := page[4:c.f.usable]
		if left := size - uint64(len(rec)); uint64(len(body)) > left {
			body = body[:left]
		}
		rec = append(rec, body...)
		next = binary.BigEndian.Uint32(page)
	}
	c.scratch = rec
	return rec, nil
}

func (c *Cursor) bad(fr *frame, i int, what string) error {
	return fmt.Errorf("%w: page %d cell %d: %s", ErrCorrupt, fr.pgno, i, what)
}

// varint reads SQLite's big-endian variable-length integer: seven bits a byte for
// up to eight bytes, all eight of a ninth. n is 0 when b ends first.
func varint(b []byte) (v uint64, n int) {
	// Serial types and sizes of short values fit one or two bytes: most of a walk.
	if len(b) >= 2 {
		if b[0] < 0x80 {
			return uint64(b[0]), 1
		}
		if b[1] < 0x80 {
			return uint64(b[0]&0x7f)<<7 | uint64(b[1]), 2
		}
	}
	for i := 0; i < 8; i++ {
		if i >= len(b) {
			return 0, 0
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	if len(b) < 9 {
		return 0, 0
	}
	return v<<8 | uint64(b[8]), 9
}
