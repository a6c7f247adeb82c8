package pathways

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore"
)

// The snapshot holds each pathway's recorded events, retracted ones included, in
// the model's order; Restore re-folds them with pathway.Fold, which gives the state
// Evolve gave event by event. Layout (varints as encoding/binary):
//
//	magic "PWRM0001" | uvarint pathways | per pathway: str id | uvarint events |
//	per event: str type | str data (JSON) | str event id | uvarint stream version |
//	varint recorded_at Unix ns | str actor user | str actor role
//
// where str is a uvarint length and the bytes. The payload ends after the last
// pathway; anything more is damage.
const snapMagic = "PWRM0001"

var errSnapshot = errors.New("pathways: snapshot")

// Snapshot implements projections.Projection.
func (m *ReadModel) Snapshot(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf []byte
	m.mu.RLock()
	defer m.mu.RUnlock()
	buf = append(buf, snapMagic...)
	buf = binary.AppendUvarint(buf, uint64(len(m.all)))
	for _, p := range m.all {
		h := p.state.History()
		buf = appendStr(buf, p.id)
		buf = binary.AppendUvarint(buf, uint64(len(h)))
		for i := range h {
			r := &h[i]
			typ, data, err := pathway.Encode(r.Event)
			if err != nil {
				return err
			}
			buf = appendStr(buf, typ)
			buf = appendStr(buf, string(data))
			buf = appendStr(buf, r.EventID)
			buf = binary.AppendUvarint(buf, r.StreamVersion)
			buf = binary.AppendVarint(buf, r.RecordedAt.UnixNano())
			buf = appendStr(buf, r.Actor.User)
			buf = appendStr(buf, r.Actor.Role)
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
		buf = buf[:0]
	}
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	return bw.Flush()
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// Restore implements projections.Projection: it replaces the model with the
// snapshot's, or leaves it empty and returns an error naming the damage.
func (m *ReadModel) Restore(r io.Reader) error {
	fresh := New()
	if err := fresh.restore(bufio.NewReaderSize(r, 64<<10)); err != nil {
		m.Reset()
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.all, m.byID, m.ptl, m.dups, m.intern = fresh.all, fresh.byID, fresh.ptl, fresh.dups, fresh.intern
	m.bySpecialty, m.ptlBySpecialty = fresh.bySpecialty, fresh.ptlBySpecialty
	return nil
}

func (m *ReadModel) restore(r *bufio.Reader) error {
	d := snapReader{r: r}
	if magic := d.bytes(len(snapMagic)); d.err == nil && string(magic) != snapMagic {
		return fmt.Errorf("%w: not a pathways snapshot", errSnapshot)
	}
	n := d.uvarint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		id := d.str(eventstore.MaxStreamNameBytes)
		events := d.uvarint()
		if d.err != nil {
			break
		}
		if id == "" || m.byID[id] != nil {
			return fmt.Errorf("%w: pathway %d: empty or repeated id %q", errSnapshot, i, id)
		}
		h := make([]pathway.Recorded, 0, min(events, 1024))
		for k := uint64(0); k < events && d.err == nil; k++ {
			typ := d.str(eventstore.MaxTypeBytes)
			data := d.bytes(int(min(d.uvarint(), eventstore.MaxDataBytes+1)))
			rec := pathway.Recorded{EventID: d.str(eventstore.MaxMetadataBytes), StreamVersion: d.uvarint()}
			rec.RecordedAt = time.Unix(0, d.varint()).UTC()
			rec.Actor = pathway.Actor{User: m.str(d.str(eventstore.MaxMetadataBytes)), Role: m.str(d.str(eventstore.MaxMetadataBytes))}
			if d.err != nil {
				break
			}
			if len(data) > eventstore.MaxDataBytes {
				return fmt.Errorf("%w: pathway %s: event data over %d bytes", errSnapshot, id, eventstore.MaxDataBytes)
			}
			ev, err := pathway.Decode(typ, pathway.SchemaVersion, data)
			if err != nil {
				return fmt.Errorf("%w: pathway %s: %w", errSnapshot, id, err)
			}
			rec.Event = ev
			h = append(h, rec)
		}
		if d.err != nil {
			break
		}
		p := &rec{id: id, state: pathway.Fold(h)}
		m.byID[id] = p
		m.all = append(m.all, p)
		m.reindex(p)
	}
	if d.err != nil {
		return d.err
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return fmt.Errorf("%w: bytes after the last pathway", errSnapshot)
	}
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
