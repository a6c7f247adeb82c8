package pagefile

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// columnsReference is Columns as first written, one varint and one size at a
// time: the oracle the faster walk is held to.
func columnsReference(record []byte, dst []Value) (int, error) {
	hdrLen, n := varint(record)
	if n == 0 || hdrLen < uint64(n) || hdrLen > uint64(len(record)) {
		return 0, fmt.Errorf("%w: record header of %d bytes in a record of %d", ErrCorrupt, hdrLen, len(record))
	}
	hdr := record[n:hdrLen]
	body := uint64(hdrLen)
	cols := 0
	for len(hdr) > 0 {
		t, n := varint(hdr)
		if n == 0 {
			return 0, fmt.Errorf("%w: record header cut short", ErrCorrupt)
		}
		hdr = hdr[n:]
		size, ok := sizeOf(t)
		if !ok {
			return 0, fmt.Errorf("%w: serial type %d", ErrCorrupt, t)
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

// eventRecord is a record shaped like a row of the events table: 16 columns, the
// first NULL (the rowid alias), integers, short and long text.
func eventRecord() []byte {
	texts := map[int]string{1: "pathway-73252bb0-c860-5fae-9fb4-11316eab1271", 3: "c2894334-439c-5945-bcb2-309e73ea9307",
		4: "ActivityRecorded", 6: "2025-01-02", 7: "2026-12-06T07:19:37.741652Z", 8: "booking.officer", 9: "booking",
		13: `{"occurred_on":"2025-01-02","kind":"outpatient_first","rtt_status":"20","attendance":"attended"}`,
		14: "1036c7d5a8c61a288084f43f3153fb878e81f72078bef24b73f91aa508ca0df2",
		15: "32d477da6da850bed1bb3c232e6bc1ddac5924d4288e1ee9f4e45893359add0d"}
	var hdr, body []byte
	for col := range 16 {
		switch {
		case col == 0:
			hdr = append(hdr, 0)
		case col == 2:
			hdr, body = append(hdr, 1), append(body, 7)
		case col == 5:
			hdr = append(hdr, 9)
		default:
			v := texts[col]
			hdr = appendVarint(hdr, uint64(len(v))*2+13)
			body = append(body, v...)
		}
	}
	return append(appendVarint(nil, uint64(len(hdr))+1), append(hdr, body...)...)
}

func appendVarint(b []byte, v uint64) []byte {
	if v < 0x80 {
		return append(b, byte(v))
	}
	return append(b, byte(v>>7)|0x80, byte(v&0x7f))
}

func TestColumnsSplitsAnEventRow(t *testing.T) {
	var got, want [16]Value
	rec := eventRecord()
	n, err := Columns(rec, got[:])
	if err != nil || n != 16 {
		t.Fatalf("Columns: %d, %v", n, err)
	}
	m, err := columnsReference(rec, want[:])
	if err != nil || m != n {
		t.Fatalf("reference: %d, %v", m, err)
	}
	for i := range got {
		if got[i].Type != want[i].Type || !bytes.Equal(got[i].Bytes, want[i].Bytes) {
			t.Fatalf("column %d: %+v, reference %+v", i, got[i], want[i])
		}
	}
	if v, ok := got[2].Int(); !ok || v != 7 {
		t.Fatalf("version column: %d, %t", v, ok)
	}
	if string(got[4].Bytes) != "ActivityRecorded" || !got[13].Text() {
		t.Fatalf("type %q, data text %t", got[4].Bytes, got[13].Text())
	}
}

// FuzzColumns: for any bytes and any room, Columns answers exactly as the
// reference walk does: the same columns, or an error for the same records.
func FuzzColumns(f *testing.F) {
	f.Add(eventRecord(), uint8(16))
	f.Add(eventRecord(), uint8(3))
	f.Add([]byte{3, 10, 1, 5}, uint8(4))
	f.Add([]byte{4, 0x81, 0x00, 1, 9}, uint8(4))
	f.Fuzz(func(t *testing.T, rec []byte, room uint8) {
		got, want := make([]Value, room%20), make([]Value, room%20)
		n, err := Columns(rec, got)
		m, refErr := columnsReference(rec, want)
		if (err == nil) != (refErr == nil) || n != m {
			t.Fatalf("Columns %d, %v; reference %d, %v", n, err, m, refErr)
		}
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("error %v is not ErrCorrupt", err)
		}
		for i := range n {
			if got[i].Type != want[i].Type || !bytes.Equal(got[i].Bytes, want[i].Bytes) || cap(got[i].Bytes) != cap(want[i].Bytes) {
				t.Fatalf("column %d: %+v, reference %+v", i, got[i], want[i])
			}
		}
	})
}

func BenchmarkColumns(b *testing.B) {
	rec := eventRecord()
	var cols [16]Value
	for b.Loop() {
		if _, err := Columns(rec, cols[:]); err != nil {
			b.Fatal(err)
		}
	}
}
