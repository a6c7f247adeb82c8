package sqlite

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unsafe"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite/internal/lite"
)

// decoder turns rows into envelopes. Event ids own their memory: the pathway
// aggregate keeps one in its state for nearly every event, and each should cost its
// own few bytes, not hold a block. Type, dates and actor are interned, being few.
// The rest of a row (stream, correlation, causation, reason, hashes, data) is copied
// into the decoder's current slab, a block shared by the rows read after one
// another and never written again once handed out: one allocation per few hundred
// events rather than two per event, and nothing for the collector to scan. A
// consumer that keeps one of those strings for long keeps its slab with it; the
// projections copy what they keep (eventstore.Event says so).
type decoder struct {
	at     eventstore.InstantParser
	slab   []byte
	intern [internColumns][]string // lazily made, internSlots[i] long
	last   [internColumns]string   // the previous row's value of each interned column
	stream string                  // the previous row's stream
	// data and block are where a fold's Data go (readInto), when it gives them.
	data  *eventstore.DataBuffer
	block []byte
}

// readInto sets where the rows decoded until the returned function is called put
// their Data: mode's DataBuffer, or (without one) the slab with the rest.
func (d *decoder) readInto(mode *readMode) (done func()) {
	if mode == nil || mode.data == nil {
		return func() {}
	}
	d.data = mode.data
	return func() { d.data, d.block = nil, nil }
}

// takeData returns n bytes for a row's Data: from the DataBuffer when a fold gives
// one, else from the slab.
func (d *decoder) takeData(n int) []byte {
	if d.data == nil || n > eventstore.DataBlockSize/4 {
		return d.take(n)
	}
	if cap(d.block)-len(d.block) < n {
		d.block = d.data.Block()
	}
	at := len(d.block)
	d.block = d.block[:at+n]
	return d.block[at : at+n : at+n]
}

// The interned columns, and the size of each one's table. A value's slot is picked
// by its hash and a value that meets another in its slot takes it over: the lookup
// is a hash and one comparison (a map's was a third of the decoding), and a miss
// costs no more than a copy. Sizes hold a trust's types and roles, its users, and
// the dates of several years with few collisions.
const (
	internType = iota
	internOccurredOn
	internActorUser
	internActorRole
	internColumns
)

var internSlots = [internColumns]int{internType: 256, internOccurredOn: 4096, internActorUser: 1024, internActorRole: 64}

// slabSize is the largest small-object size class: a bigger block would take the
// allocator's slow path. A row's bytes bigger than a quarter of it get their own.
const slabSize = 32 << 10

// take returns n bytes of the current slab, starting a new slab when it lacks them.
func (d *decoder) take(n int) []byte {
	if n > slabSize/4 {
		return make([]byte, n)
	}
	if cap(d.slab)-len(d.slab) < n {
		d.slab = make([]byte, 0, slabSize)
	}
	at := len(d.slab)
	d.slab = d.slab[:at+n]
	return d.slab[at : at+n : at+n]
}

// shared returns b as a string, the same string as for an earlier row with the
// same value when its table still holds it.
func (d *decoder) shared(col int, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if d.last[col] == string(b) {
		return d.last[col]
	}
	t := d.intern[col]
	if t == nil {
		t = make([]string, internSlots[col])
		d.intern[col] = t
	}
	slot := &t[slotHash(b)&uint64(len(t)-1)]
	if *slot != string(b) {
		*slot = string(b)
	}
	d.last[col] = *slot
	return *slot
}

// slotHash spreads the values of an interned column (types, dates, users, roles)
// over a table's slots from their first and last eight bytes and length: a
// collision only costs a copy, and maphash over the whole value was most of a
// lookup. Nothing outside the log chooses these values' slots for gain: a
// colliding pair costs the reader a copy a row, never a wrong string.
func slotHash(b []byte) uint64 {
	var lo, hi uint64
	switch n := len(b); {
	case n >= 8:
		lo, hi = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		lo, hi = uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	default:
		for _, c := range b {
			lo = lo<<8 | uint64(c)
		}
	}
	// MurmurHash3's finaliser, so that every input bit reaches the low bits that
	// pick the slot.
	h := lo ^ bits.RotateLeft64(hi*0x9e3779b97f4a7c15, 31) ^ uint64(len(b))
	h = (h ^ h>>33) * 0xff51afd7ed558ccd
	h = (h ^ h>>33) * 0xc4ceb9fe1a85ec53
	return h ^ h>>33
}

// streamOf is the row's stream, shared with the row before when it is the same: a
// log's streams are too many to intern (a pathway's events are weeks apart in it),
// and looking each up only to miss cost more than the copy.
func (d *decoder) streamOf(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if d.stream != string(b) {
		buf := d.take(len(b))
		copy(buf, b)
		d.stream = unsafe.String(&buf[0], len(buf))
	}
	return d.stream
}

var ownColumns = [...]int{colCorrelation, colCausation, colReason, colPrevHash, colHash, colData}

// rowCols is one row as a read finds it, whichever way it reads: the integer
// columns and views of the text columns (indexed by column), valid until the
// next row.
type rowCols struct {
	position, version, schemaVersion int64
	text                             [colHash + 1][]byte
}

// row decodes the row st is on.
func (d *decoder) row(st *lite.Stmt, e *eventstore.Event) error {
	var c rowCols
	c.position, c.version, c.schemaVersion = st.Int64(colPosition), st.Int64(colVersion), st.Int64(colSchemaVersion)
	for _, col := range [...]int{colStream, colEventID, colType, colOccurredOn, colRecordedAt, colActorUser, colActorRole,
		colCorrelation, colCausation, colReason, colData, colPrevHash, colHash} {
		c.text[col] = st.Bytes(col)
	}
	return d.fill(&c, e)
}

// fill makes e of a row's columns, copying what it keeps.
func (d *decoder) fill(c *rowCols, e *eventstore.Event) error {
	e.Position = uint64(c.position)
	e.StreamVersion = uint64(c.version)
	e.SchemaVersion = int(c.schemaVersion)
	at := c.text[colRecordedAt]
	var err error
	if e.RecordedAt, err = d.at.Parse(unsafe.String(unsafe.SliceData(at), len(at))); err != nil {
		// Parse again from a copy: the first error refers to the reader's memory.
		_, err = eventstore.ParseRecordedAt(string(at))
		return fmt.Errorf("%w: event at position %d: recorded_at: %w", eventstore.ErrStorage, e.Position, err)
	}
	e.Stream = d.streamOf(c.text[colStream])
	e.EventID = string(c.text[colEventID])
	e.Type = d.shared(internType, c.text[colType])
	e.OccurredOn = d.shared(internOccurredOn, c.text[colOccurredOn])
	e.Actor.User = d.shared(internActorUser, c.text[colActorUser])
	e.Actor.Role = d.shared(internActorRole, c.text[colActorRole])
	// The strings go to the slab, Data where the read says (takeData).
	var views [len(ownColumns) - 1][]byte
	n := 0
	for i, col := range ownColumns[:len(views)] {
		views[i] = c.text[col]
		n += len(views[i])
	}
	var strs [len(views)]string
	if n > 0 {
		buf := d.take(n)
		off := 0
		for i, v := range views {
			copy(buf[off:], v)
			if len(v) > 0 {
				strs[i] = unsafe.String(&buf[off], len(v))
			}
			off += len(v)
		}
	}
	e.CorrelationID, e.CausationID, e.Reason, e.PrevHash, e.Hash = strs[0], strs[1], strs[2], strs[3], strs[4]
	data := c.text[colData]
	e.Data = d.takeData(len(data))
	copy(e.Data, data)
	return nil
}
