package pathways

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unsafe"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

// The snapshot holds what the model holds: each whole pathway packed (packed.go),
// each cold one as its return records, and the code tables those refer to. Layout
// (varints as encoding/binary; str is a uvarint length and the bytes):
//
//	magic "PWRM0004" | uvarint specs | str… | uvarint statuses | str…
//	| uvarint whole | per pathway: str id | str packed state
//	| uvarint cold by UUID | per pathway: 16 bytes | cold body
//	| uvarint cold by name | per pathway: str id | cold body
//
// where a cold body is byte stands (1: the referral stands) | uvarint periods | per
// period: varint start, stop, DTA from, DTA until (days since 1970-01-01) | uvarint
// specialty | byte status | byte flags | uvarint earlier DTAs | per DTA: varint
// from, until. The payload ends after the last pathway;
// anything more is damage.
const snapMagic = "PWRM0004"

var errSnapshot = errors.New("pathways: snapshot")

// Snapshot implements projections.Projection.
func (m *ReadModel) Snapshot(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	m.mu.RLock()
	defer m.mu.RUnlock()
	buf := append([]byte(nil), snapMagic...)
	buf = appendStrs(buf, m.codes.specs.names)
	buf = appendStrs(buf, m.codes.statuses.names)
	flush := func() error {
		if len(buf) > 32<<10 {
			_, err := bw.Write(buf)
			buf = buf[:0]
			return err
		}
		return nil
	}
	buf = binary.AppendUvarint(buf, uint64(len(m.byID)))
	var scratch []byte
	for _, p := range m.byID {
		buf = appendStr(buf, p.id)
		// A packed rec's bytes are written as they are; a decoded one is packed into
		// scratch, never into a slice a rec owns.
		packed := unsafe.Slice(unsafe.StringData(p.packed), len(p.packed)) // only read
		if p.state != nil {
			scratch = appendPacked(scratch[:0], p.state, p.id)
			packed = scratch
		}
		buf = binary.AppendUvarint(buf, uint64(len(packed)))
		buf = append(buf, packed...)
		if err := flush(); err != nil {
			return err
		}
	}
	buf = binary.AppendUvarint(buf, uint64(m.cold.uuids))
	var err error
	m.cold.eachUUID(func(k [16]byte, sp span) bool {
		buf = append(buf, k[:]...)
		buf = m.cold.appendBody(buf, sp, &m.codes)
		err = flush()
		return err == nil
	})
	if err != nil {
		return err
	}
	buf = binary.AppendUvarint(buf, uint64(len(m.cold.byName)))
	for id, sp := range m.cold.byName {
		buf = appendStr(buf, id)
		buf = m.cold.appendBody(buf, sp, &m.codes)
		if err := flush(); err != nil {
			return err
		}
	}
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	return bw.Flush()
}

func (c *coldStore) appendBody(buf []byte, sp span, codes *codes) []byte {
	stands := byte(0)
	if sp.stands() {
		stands = 1
	}
	buf = append(buf, stands)
	buf = binary.AppendUvarint(buf, uint64(sp.count()))
	for _, p := range c.at(sp) {
		for _, d := range [...]rtt.Date{p.start, p.stop, p.dtaFrom, p.dtaUntil} {
			buf = binary.AppendVarint(buf, int64(rtt.DaysBetween(rtt.Date{}, d)))
		}
		buf = binary.AppendUvarint(buf, uint64(p.spec))
		buf = append(buf, p.status, p.flags)
		var earlier []rttreport.DTA
		if p.earlier != 0 {
			earlier = codes.dtas[p.earlier-1]
		}
		buf = binary.AppendUvarint(buf, uint64(len(earlier)))
		for _, e := range earlier {
			buf = binary.AppendVarint(buf, int64(rtt.DaysBetween(rtt.Date{}, e.From)))
			buf = binary.AppendVarint(buf, int64(rtt.DaysBetween(rtt.Date{}, e.Until)))
		}
	}
	return buf
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendStr(b, s)
	}
	return b
}

// Restore implements projections.Projection: it replaces the model with the
// snapshot's, or leaves it empty and returns an error naming the damage.
func (m *ReadModel) Restore(r io.Reader) error {
	fresh := New(WithLoader(m.load))
	fresh.recentCap = m.recentCap
	if err := fresh.restore(bufio.NewReaderSize(r, 64<<10)); err != nil {
		m.Reset()
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.byID, m.recent, m.cold, m.codes, m.ptl, m.dups, m.intern = fresh.byID, fresh.recent, fresh.cold, fresh.codes, fresh.ptl, fresh.dups, fresh.intern
	m.bySpecialty, m.ptlBySpecialty, m.exists = fresh.bySpecialty, fresh.ptlBySpecialty, fresh.exists
	m.last = nil
	return nil
}

// maxCodes bounds the code tables a snapshot may declare (period indexes are 16
// and 8 bits).
const maxCodes = 1 << 16

func (m *ReadModel) restore(r *bufio.Reader) error {
	d := snapReader{r: r}
	// The indexes are filed once, at the end, as after a replay.
	m.bulk = true
	if magic := d.bytes(len(snapMagic)); d.err == nil && string(magic) != snapMagic {
		return fmt.Errorf("%w: not a pathways snapshot", errSnapshot)
	}
	for _, table := range []struct {
		max int
		add func(string)
	}{{maxCodes, func(s string) { m.codes.specs.of(s) }}, {1 << 8, func(s string) { m.codes.statuses.of(s) }}} {
		n := d.uvarint()
		if d.err == nil && n > uint64(table.max) {
			return fmt.Errorf("%w: %d codes in a table of at most %d", errSnapshot, n, table.max)
		}
		for i := uint64(0); i < n && d.err == nil; i++ {
			table.add(d.str(eventstore.MaxMetadataBytes))
		}
	}
	n := d.uvarint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		id := d.str(eventstore.MaxStreamNameBytes)
		packed := d.bytes(int(min(d.uvarint(), eventstore.MaxDataBytes*64)))
		if d.err != nil {
			break
		}
		if id == "" || m.byID[id] != nil {
			return fmt.Errorf("%w: pathway %d: empty or repeated id %q", errSnapshot, i, id)
		}
		s, err := unpack(packed, id)
		if err != nil {
			return fmt.Errorf("%w: pathway %s: %w", errSnapshot, id, err)
		}
		p := newRec(id)
		p.state = &s
		m.byID[id] = p
		m.reindex(p)
		// Whole pathways come back packed, and the recently touched ones that
		// nothing live depends on go cold; the recent list fills again as events
		// arrive.
		if !p.isLive() {
			m.dropLocked(p)
			continue
		}
		// d.bytes allocated packed, and nothing else holds it.
		p.state, p.packed = nil, unsafe.String(unsafe.SliceData(packed), len(packed))
	}
	for _, byName := range []bool{false, true} {
		n := d.uvarint()
		// The UUID-keyed ones are filed at the end as one sorted run, which finds
		// any repeat among them; has (below) finds one that went cold above.
		var keys []coldKey
		for i := uint64(0); i < n && d.err == nil; i++ {
			var id string
			var key [16]byte
			if byName {
				id = d.str(eventstore.MaxStreamNameBytes)
			} else if k := d.bytes(16); d.err == nil {
				id, key = uuidString(k), [16]byte(k)
			}
			stands := d.byte()
			count := d.uvarint()
			if d.err != nil {
				break
			}
			if id == "" || m.byID[id] != nil || m.cold.has(id) {
				return fmt.Errorf("%w: cold pathway %d: empty or repeated id %q", errSnapshot, i, id)
			}
			if stands > 1 {
				return fmt.Errorf("%w: cold pathway %s: bad flag %d", errSnapshot, id, stands)
			}
			ps := make([]period, 0, min(count, 64))
			for k := uint64(0); k < count && d.err == nil; k++ {
				var p period
				for _, at := range []*rtt.Date{&p.start, &p.stop, &p.dtaFrom, &p.dtaUntil} {
					*at = rtt.Date{}.AddDays(int(int32(d.varint())))
				}
				spec := d.uvarint()
				p.status, p.flags = d.byte(), d.byte()
				if d.err == nil && (spec >= uint64(len(m.codes.specs.names)) || int(p.status) >= len(m.codes.statuses.names) || p.flags&fDead != 0) {
					return fmt.Errorf("%w: cold pathway %s: period %d refers to no code", errSnapshot, id, k)
				}
				p.spec = uint16(spec)
				if n := d.uvarint(); n > 0 && d.err == nil {
					if n > 1<<16 {
						return fmt.Errorf("%w: cold pathway %s: %d decisions to admit in one period", errSnapshot, id, n)
					}
					earlier := make([]rttreport.DTA, n)
					for j := range earlier {
						earlier[j].From = rtt.Date{}.AddDays(int(int32(d.varint())))
						earlier[j].Until = rtt.Date{}.AddDays(int(int32(d.varint())))
					}
					p.earlier = m.codes.earlier(earlier)
				}
				ps = append(ps, p)
			}
			if byName {
				m.cold.put(id, ps, stands == 1)
			} else {
				keys = append(keys, coldKey{key, m.cold.store(ps, stands == 1)})
			}
		}
		if dup, ok := m.cold.fileAll(keys); !ok {
			return fmt.Errorf("%w: cold pathway %s: repeated id", errSnapshot, uuidString(dup[:]))
		}
	}
	if d.err != nil {
		return d.err
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return fmt.Errorf("%w: bytes after the last pathway", errSnapshot)
	}
	m.bulk = false
	m.buildIndexes()
	return nil
}

// snapReader reads the snapshot's fields, keeping the first error.
type snapReader struct {
	r   *bufio.Reader
	err error
}

func (d *snapReader) fail(err error) {
	if d.err == nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		d.err = fmt.Errorf("%w: %w", errSnapshot, err)
	}
}

func (d *snapReader) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.fail(err)
	}
	return v
}

func (d *snapReader) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(d.r)
	if err != nil {
		d.fail(err)
	}
	return v
}

func (d *snapReader) byte() byte {
	if d.err != nil {
		return 0
	}
	b, err := d.r.ReadByte()
	if err != nil {
		d.fail(err)
	}
	return b
}

func (d *snapReader) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.fail(err)
		return nil
	}
	return b
}

func (d *snapReader) str(limit int) string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(limit) {
		d.fail(fmt.Errorf("a string of %d bytes, limit %d", n, limit))
		return ""
	}
	return string(d.bytes(int(n)))
}
