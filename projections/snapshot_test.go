package projections

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/internal/memstore"
)

func TestHeaderRoundTrip(t *testing.T) {
	h := snapHeader{Name: "waiting-list", Version: 7, Checkpoint: 1 << 40, EventID: "0195f0a4-1c2d-7e3f-8a9b-0c1d2e3f4a5b",
		EventHash: strings.Repeat("ab", 32), PayloadLen: 12345, PayloadCRC: 0xdeadbeef}
	b := h.encode()
	require.Len(t, b, h.size())
	got, n, err := decodeHeader(bytes.NewReader(append(b, "payload"...)))
	require.NoError(t, err)
	require.Equal(t, h, got)
	require.Equal(t, len(b), n)
}

func TestHeaderDamageIsCorrupt(t *testing.T) {
	h := snapHeader{Name: "a", Version: 1, Checkpoint: 9, EventID: "id", EventHash: "hash", PayloadLen: 3, PayloadCRC: 1}
	good := h.encode()
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0x40
		_, _, err := decodeHeader(bytes.NewReader(bad))
		require.ErrorIs(t, err, errCorrupt, "byte %d flipped", i)
	}
	for n := range len(good) {
		_, _, err := decodeHeader(bytes.NewReader(good[:n]))
		require.ErrorIs(t, err, errCorrupt, "truncated to %d bytes", n)
	}
}

func FuzzDecodeHeader(f *testing.F) {
	f.Add((&snapHeader{Name: "a", Version: 1, Checkpoint: 2, EventID: "e", EventHash: "h"}).encode())
	f.Add([]byte(snapMagic))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := decodeHeader(bytes.NewReader(b))
		if err != nil {
			require.ErrorIs(t, err, errCorrupt)
			return
		}
		require.Equal(t, b[:n], h.encode(), "a header that decodes is the canonical encoding")
	})
}

type rawProjection struct {
	name    string
	payload []byte
	got     []byte
}

func (p *rawProjection) Name() string                    { return p.name }
func (p *rawProjection) SnapshotVersion() uint32         { return 1 }
func (p *rawProjection) Apply(ev eventstore.Event) error { return nil }
func (p *rawProjection) Snapshot(w io.Writer) error {
	_, err := w.Write(p.payload)
	return err
}
func (p *rawProjection) Restore(r io.Reader) error {
	var err error
	p.got, err = io.ReadAll(r)
	return err
}
func (p *rawProjection) Reset() { p.got = nil }

func TestSnapshotFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := &rawProjection{name: "raw", payload: bytes.Repeat([]byte("0123456789"), 100_000)}
	ps, err := writeTemp(dir, p, snapHeader{Name: "raw", Version: 1, Checkpoint: 42, EventID: "e", EventHash: "h"})
	require.NoError(t, err)
	_, err = os.Stat(snapPath(dir, "raw"))
	require.ErrorIs(t, err, os.ErrNotExist, "invisible until committed")
	require.NoError(t, ps.commit())
	f, h, err := openSnapshot(snapPath(dir, "raw"))
	require.NoError(t, err)
	defer f.Close()
	require.Equal(t, uint64(42), h.Checkpoint)
	require.Equal(t, uint64(len(p.payload)), h.PayloadLen)
	require.NoError(t, p.Restore(io.LimitReader(f, int64(h.PayloadLen))))
	require.Equal(t, p.payload, p.got)
	left, err := filepath.Glob(filepath.Join(dir, "*"+tmpInfix+"*"))
	require.NoError(t, err)
	require.Empty(t, left)
}

func TestFailingSnapshotLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	bad := errors.New("encoder broke")
	_, err := writeTemp(dir, failingSnapshot{bad}, snapHeader{Name: "x"})
	require.ErrorIs(t, err, bad)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries)
}

type failingSnapshot struct{ err error }

func (failingSnapshot) Name() string                 { return "x" }
func (failingSnapshot) SnapshotVersion() uint32      { return 1 }
func (failingSnapshot) Apply(eventstore.Event) error { return nil }
func (f failingSnapshot) Snapshot(io.Writer) error   { return f.err }
func (failingSnapshot) Restore(io.Reader) error      { return nil }
func (failingSnapshot) Reset()                       {}

// Every kind of bad snapshot is discarded with its reason logged, and the
// projection rebuilds to the same state as a straight replay.
func TestBadSnapshotsAreDiscarded(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string, c *counter)
		reason string
	}{
		{"payload byte flipped", func(t *testing.T, dir string, _ *counter) { flip(t, snapPath(dir, "a"), -3) }, "checksum mismatch"},
		{"header byte flipped", func(t *testing.T, dir string, _ *counter) { flip(t, snapPath(dir, "a"), 12) }, "header checksum mismatch"},
		{"truncated", func(t *testing.T, dir string, _ *counter) { truncate(t, snapPath(dir, "a"), 10) }, "payload of"},
		{"not a snapshot", func(t *testing.T, dir string, _ *counter) {
			require.NoError(t, os.WriteFile(snapPath(dir, "a"), []byte("hello"), 0o600))
		}, "corrupt snapshot"},
		{"projection version changed", func(_ *testing.T, _ string, c *counter) { c.version = 2 }, "snapshot version differs"},
		{"another projection's file", func(t *testing.T, dir string, _ *counter) {
			b, err := os.ReadFile(snapPath(dir, "b"))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(snapPath(dir, "a"), b, 0o600))
		}, "written for another projection"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := memstore.New()
			fill(t, s, 300, 4)
			dir := t.TempDir()
			r, _ := start(t, s, dir, Options{}, newCounter("a"), newCounter("b"))
			require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
			require.NoError(t, r.Close())

			a := newCounter("a")
			tc.damage(t, filepath.Join(dir, SnapshotFolder), a)
			r2, lb := start(t, s, dir, Options{}, a)
			require.NoError(t, r2.WaitFor(testCtx(t), head(t, s)))
			require.Contains(t, lb.String(), "snapshot discarded")
			require.Contains(t, lb.String(), tc.reason)
			require.Equal(t, uint64(300), a.applyCalls(), "rebuilt from position 0")
			require.Equal(t, expected(t, s), a.state())
		})
	}
}

// A snapshot must not be applied to a log that does not hold its checkpoint event:
// a restored backup, or another trust's data folder.
func TestSnapshotOfAnotherLogIsDiscarded(t *testing.T) {
	dir := t.TempDir()
	first := memstore.New()
	fill(t, first, 100, 2)
	r, _ := start(t, first, dir, Options{}, newCounter("a"))
	require.NoError(t, r.WaitFor(testCtx(t), 100))
	require.NoError(t, r.Close())

	second := memstore.New()
	fill(t, second, 150, 2)
	a := newCounter("a")
	r2, lb := start(t, second, dir, Options{}, a)
	require.NoError(t, r2.WaitFor(testCtx(t), 150))
	require.Contains(t, lb.String(), "the log does not hold the snapshot's checkpoint event")
	require.Equal(t, expected(t, second), a.state())

	rewound := memstore.New()
	fill(t, rewound, 20, 2)
	b := newCounter("a")
	r3, lb := start(t, rewound, dir, Options{}, b)
	require.NoError(t, r3.WaitFor(testCtx(t), 20))
	require.Contains(t, lb.String(), "the log does not hold the snapshot's checkpoint event")
	require.Equal(t, expected(t, rewound), b.state())
}

func TestStaleTempFilesAreRemovedAtStart(t *testing.T) {
	dir := t.TempDir()
	snaps := filepath.Join(dir, SnapshotFolder)
	require.NoError(t, os.MkdirAll(snaps, 0o750))
	stale := filepath.Join(snaps, "a"+tmpInfix+"123")
	require.NoError(t, os.WriteFile(stale, []byte("half a snapshot"), 0o600))
	start(t, memstore.New(), dir, Options{}, newCounter("a"))
	_, err := os.Stat(stale)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestPeriodicSnapshots(t *testing.T) {
	s := memstore.New()
	fill(t, s, 5000, 3)
	r, lb := start(t, s, t.TempDir(), Options{BatchSize: 250, SnapshotEvery: 1000, SnapshotInterval: time.Hour}, newCounter("a"))
	require.NoError(t, r.WaitFor(testCtx(t), head(t, s)))
	require.Eventually(t, func() bool { return r.Status().Projections[0].SnapshotPosition >= 1000 }, 10*time.Second, time.Millisecond,
		"a snapshot every 1000 events, without Close")
	require.Contains(t, lb.String(), "snapshot taken")
	require.Positive(t, r.Status().LastSnapshotPause)

	timed, _ := start(t, s, t.TempDir(), Options{SnapshotInterval: 20 * time.Millisecond}, newCounter("a"))
	require.NoError(t, timed.WaitFor(testCtx(t), head(t, s)))
	fill(t, s, 1, 1)
	require.Eventually(t, func() bool { return timed.Status().Projections[0].SnapshotPosition == head(t, s) }, 10*time.Second, time.Millisecond,
		"a quiet live feed still snapshots on the timer")
}

func TestSnapshotNow(t *testing.T) {
	s := memstore.New()
	fill(t, s, 100, 3)
	dir := t.TempDir()
	r, _ := start(t, s, dir, Options{}, newCounter("a"))
	require.NoError(t, r.WaitFor(testCtx(t), 100))
	require.NoError(t, r.SnapshotNow(testCtx(t)))
	require.Equal(t, uint64(100), r.Status().Projections[0].SnapshotPosition)
	f, h, err := openSnapshot(snapPath(filepath.Join(dir, SnapshotFolder), "a"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.Equal(t, uint64(100), h.Checkpoint)
	all, err := s.ReadAll(testCtx(t), 99, 1)
	require.NoError(t, err)
	require.Equal(t, all[0].EventID, h.EventID)
	require.Equal(t, all[0].Hash, h.EventHash)

	noDir, _ := start(t, s, "", Options{}, newCounter("a"))
	require.NoError(t, noDir.SnapshotNow(testCtx(t)), "no folder, nothing to do")
}

func flip(t *testing.T, path string, at int) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	if at < 0 {
		at += len(b)
	}
	b[at] ^= 0x01
	require.NoError(t, os.WriteFile(path, b, 0o600))
}

func truncate(t *testing.T, path string, by int64) {
	t.Helper()
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(path, st.Size()-by))
}
