package pagefile

import (
	"encoding/binary"
	"fmt"
)

// Value is one column of a record: its serial type and its bytes in the record.
type Value struct {
	Type  uint64
	Bytes []byte
}

// Null reports whether the column is NULL (as the rowid alias of an INTEGER
// PRIMARY KEY is stored).
func (v Value) Null() bool { return v.Type == 0 }

// Text reports whether the column holds text; Bytes are then its UTF-8 bytes.
func (v Value) Text() bool { return v.Type >= 13 && v.Type&1 == 1 }

// Int returns an integer column's value; ok is false for any other type.
func (v Value) Int() (n int64, ok bool) {
	b := v.Bytes
	switch v.Type {
	case 1:
		return int64(int8(b[0])), true
	case 2:
		return int64(int16(binary.BigEndian.Uint16(b))), true
	case 3:
		return int64(uint32(b[0])<<16|uint32(b[1])<<8|uint32(b[2])) << 40 >> 40, true
	case 4:
		return int64(int32(binary.BigEndian.Uint32(b))), true
	case 5:
		return int64(uint64(binary.BigEndian.Uint16(b))<<32|uint64(binary.BigEndian.Uint32(b[2:]))) << 16 >> 16, true
	case 6:
		return int64(binary.BigEndian.Uint64(b)), true
	case 8:
		return 0, true
	case 9:
		return 1, true
	}
	return 0, false
}

// sizeOf is how many bytes a value of serial type t takes in the body.
func sizeOf(t uint64) (uint64, bool) {
	switch {
	case t <= 4:
		return [...]uint64{0, 1, 2, 3, 4}[t], true
	case t == 5:
		return 6, true
	case t == 6 || t == 7:
		return 8, true
	case t == 8 || t == 9:
		return 0, true
	case t >= 12:
		return (t - 12) / 2, true
	}
	return 0, false // 10 and 11 are reserved
}

// Columns splits a record into dst's columns and returns how many it holds. A
// record with more columns than dst is refused; fewer are left to the caller (a
// table altered since the row was written).
//
// A replay splits every row of the log, so the header is walked by index, and a
// serial type of one byte (all but long text) takes its size from a table.
func Columns(record []byte, dst []Value) (int, error) {
	hdrLen, n := varint(record)
	if n == 0 || hdrLen < uint64(n) || hdrLen > uint64(len(record)) {
		return 0, fmt.Errorf("%w: record header of %d bytes in a record of %d", ErrCorrupt, hdrLen, len(record))
	}
	hdr := record[n:hdrLen]
	body := hdrLen
	cols := 0
	for i := 0; i < len(hdr); {
		var t, size uint64
		if c := hdr[i]; c < 0x80 {
			t, size = uint64(c), uint64(oneByteSizes[c])
			i++
			if size == reservedSize {
				return 0, fmt.Errorf("%w: serial type %d", ErrCorrupt, t)
			}
		} else {
			var m int
			if t, m = varint(hdr[i:]); m == 0 {
				return 0, fmt.Errorf("%w: record header cut short", ErrCorrupt)
			}
			i += m
			var ok bool
			if size, ok = sizeOf(t); !ok {
				return 0, fmt.Errorf("%w: serial type %d", ErrCorrupt, t)
			}
		}
		if cols == len(dst) {
			return 0, fmt.Errorf("%w: a record of more than %d columns", ErrCorrupt, len(dst))
		}
		if size > uint64(len(record))-body {
			return 0, fmt.Errorf("%w: column %d of %d bytes past the record's end", ErrCorrupt, cols, size)
		}
		dst[cols] = Value{Type: t, Bytes: record[body : body+size : body+size]}
		body += size
		cols++
	}
	return cols, nil
}

// reservedSize marks serial types 10 and 11 in oneByteSizes.
const reservedSize = 0xff

// oneByteSizes is sizeOf for the serial types a single header byte holds.
var oneByteSizes = func() (t [0x80]uint8) {
	for i := range t {
		size, ok := sizeOf(uint64(i))
		t[i] = uint8(size)
		if !ok {
			t[i] = reservedSize
		}
	}
	return t
}()
