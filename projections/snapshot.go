package projections

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// A snapshot file is a header followed by the projection's own payload:
//
//	magic "PLSNAP01" | name len u16 | name | snapshot version u32 | checkpoint u64 |
//	event id len u16 | event id | event hash len u16 | event hash |
//	payload len u64 | payload CRC-32C u32 | header CRC-32C u32 | payload
//
// Integers are little-endian; the header CRC covers every header byte before it.
// The checkpoint event's id and hash let a restart check that the log it resumes
// still holds that event at that position (a snapshot never outlives its log).
const snapMagic = "PLSNAP01"

const (
	maxSnapName = 64
	maxSnapID   = 128
	maxSnapHash = 128
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errCorrupt marks a snapshot that cannot be trusted; the projection rebuilds.
var errCorrupt = errors.New("corrupt snapshot")

type snapHeader struct {
	Name       string
	Version    uint32
	Checkpoint uint64
	EventID    string
	EventHash  string
	PayloadLen uint64
	PayloadCRC uint32
}

func (h *snapHeader) size() int {
	return len(snapMagic) + 2 + len(h.Name) + 4 + 8 + 2 + len(h.EventID) + 2 + len(h.EventHash) + 8 + 4 + 4
}

func (h *snapHeader) check() error {
	switch {
	case len(h.Name) == 0 || len(h.Name) > maxSnapName:
		return fmt.Errorf("%w: name of %d bytes", errCorrupt, len(h.Name))
	case len(h.EventID) > maxSnapID:
		return fmt.Errorf("%w: event id of %d bytes", errCorrupt, len(h.EventID))
	case len(h.EventHash) > maxSnapHash:
		return fmt.Errorf("%w: event hash of %d bytes", errCorrupt, len(h.EventHash))
	}
	return nil
}

// encode lays the header out; its length depends only on the strings, so a header
// rewritten with the final payload length and CRC fits the space reserved for it.
func (h *snapHeader) encode() []byte {
	b := make([]byte, 0, h.size())
	b = append(b, snapMagic...)
	b = appendString(b, h.Name)
	b = binary.LittleEndian.AppendUint32(b, h.Version)
	b = binary.LittleEndian.AppendUint64(b, h.Checkpoint)
	b = appendString(b, h.EventID)
	b = appendString(b, h.EventHash)
	b = binary.LittleEndian.AppendUint64(b, h.PayloadLen)
	b = binary.LittleEndian.AppendUint32(b, h.PayloadCRC)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

// decodeHeader reads a header and returns it with its encoded length. Any damage is
// errCorrupt.
func decodeHeader(r io.Reader) (snapHeader, int, error) {
	d := decoder{r: r}
	var h snapHeader
	magic := d.bytes(len(snapMagic))
	if d.err == nil && string(magic) != snapMagic {
		return h, 0, fmt.Errorf("%w: not a snapshot file", errCorrupt)
	}
	h.Name = d.str(maxSnapName)
	h.Version = d.u32()
	h.Checkpoint = d.u64()
	h.EventID = d.str(maxSnapID)
	h.EventHash = d.str(maxSnapHash)
	h.PayloadLen = d.u64()
	h.PayloadCRC = d.u32()
	sum := crc32.Checksum(d.seen, castagnoli)
	stored := d.u32()
	if d.err != nil {
		return h, 0, d.err
	}
	if sum != stored {
		return h, 0, fmt.Errorf("%w: header checksum mismatch", errCorrupt)
	}
	if err := h.check(); err != nil {
		return h, 0, err
	}
	return h, len(d.seen), nil
}

type decoder struct {
	r    io.Reader
	seen []byte
	err  error
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	start := len(d.seen)
	d.seen = append(d.seen, make([]byte, n)...)
	if _, err := io.ReadFull(d.r, d.seen[start:]); err != nil {
		d.err = fmt.Errorf("%w: truncated header: %v", errCorrupt, err)
		return nil
	}
	return d.seen[start:]
}

func (d *decoder) u16() uint16 {
	if b := d.bytes(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if b := d.bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if b := d.bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) str(limit int) string {
	n := int(d.u16())
	if d.err != nil {
		return ""
	}
	if n > limit {
		d.err = fmt.Errorf("%w: string of %d bytes, limit %d", errCorrupt, n, limit)
		return ""
	}
	return string(d.bytes(n))
}

// crcWriter counts and checksums what passes through it.
type crcWriter struct {
	w   io.Writer
	n   uint64
	crc uint32
}

func (c *crcWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.crc = crc32.Update(c.crc, castagnoli, p[:n])
	c.n += uint64(n)
	return n, err
}
