package projections

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pathway-ledger/ledger/internal/durable"
)

const (
	snapExt   = ".snap"
	tmpInfix  = ".snap.tmp-"
	ioBufSize = 256 << 10
)

func snapPath(dir, name string) string { return filepath.Join(dir, name+snapExt) }

// pendingSnap is a snapshot written to a temporary file, not yet durable or visible.
type pendingSnap struct {
	f          *os.File
	final      string
	s          *slot
	checkpoint uint64
}

// writeTemp streams p's state into a temporary file next to its final name. Only
// this part needs the projection to hold still; commit can run concurrently with
// later Apply calls.
func writeTemp(dir string, p Projection, h snapHeader) (*pendingSnap, error) {
	f, err := os.CreateTemp(dir, h.Name+tmpInfix+"*")
	if err != nil {
		return nil, err
	}
	ps := &pendingSnap{f: f, final: snapPath(dir, h.Name), checkpoint: h.Checkpoint}
	if err := writeSnapshot(f, p, h); err != nil {
		ps.abort()
		return nil, err
	}
	return ps, nil
}

func writeSnapshot(f *os.File, p Projection, h snapHeader) error {
	if _, err := f.Write(h.encode()); err != nil {
		return err
	}
	cw := &crcWriter{w: f}
	bw := bufio.NewWriterSize(cw, ioBufSize)
	if err := p.Snapshot(bw); err != nil {
		return fmt.Errorf("projection %s: Snapshot: %w", h.Name, err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	h.PayloadLen, h.PayloadCRC = cw.n, cw.crc
	_, err := f.WriteAt(h.encode(), 0)
	return err
}

// commit makes the snapshot durable and then visible under its final name.
func (ps *pendingSnap) commit() error {
	if err := ps.f.Sync(); err != nil {
		ps.abort()
		return err
	}
	if err := ps.f.Close(); err != nil {
		_ = os.Remove(ps.f.Name())
		return err
	}
	if err := durable.Rename(ps.f.Name(), ps.final); err != nil {
		_ = os.Remove(ps.f.Name())
		return err
	}
	return nil
}

func (ps *pendingSnap) abort() {
	_ = ps.f.Close()
	_ = os.Remove(ps.f.Name())
}

// openSnapshot checks a snapshot file whole (header and payload checksum) and
// returns it positioned at the payload. fs.ErrNotExist when there is none; errCorrupt
// for damage.
func openSnapshot(path string) (*os.File, snapHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, snapHeader{}, err
	}
	h, err := checkSnapshot(f)
	if err != nil {
		_ = f.Close()
		return nil, h, err
	}
	return f, h, nil
}

func checkSnapshot(f *os.File) (snapHeader, error) {
	br := bufio.NewReaderSize(f, ioBufSize)
	h, n, err := decodeHeader(br)
	if err != nil {
		return h, err
	}
	cw := &crcWriter{w: io.Discard}
	if _, err := io.Copy(cw, br); err != nil {
		return h, err
	}
	if cw.n != h.PayloadLen || cw.crc != h.PayloadCRC {
		return h, fmt.Errorf("%w: payload of %d bytes (header says %d) or checksum mismatch", errCorrupt, cw.n, h.PayloadLen)
	}
	_, err = f.Seek(int64(n), io.SeekStart)
	return h, err
}

// removeSnapshot deletes a projection's snapshot durably; none is not an error.
func removeSnapshot(dir, name string) error {
	err := os.Remove(snapPath(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return durable.SyncDir(dir)
}

// removeTemps deletes temporary files a crash left behind.
func removeTemps(dir string) error {
	matches, err := filepath.Glob(filepath.Join(dir, "*"+tmpInfix+"*"))
	if err != nil {
		return err
	}
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
