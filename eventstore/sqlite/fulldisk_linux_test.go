package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// mountTiny mounts a tmpfs of size bytes at a new folder and returns it with a
// function that resizes it; tests that cannot mount (not root, no CAP_SYS_ADMIN)
// are skipped.
func mountTiny(t *testing.T, size int) (string, func(size int)) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny")
	require.NoError(t, os.Mkdir(dir, 0o700))
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v): the full-disk case is covered by max_page_count", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir, func(size int) {
		require.NoError(t, syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, fmt.Sprintf("size=%d", size)))
	}
}

// A real full disk (ENOSPC from the file system): the append that does not fit is
// refused whole with ErrStorage, every acknowledged append stays, and once space is
// freed the store appends again and reopens with every chain intact.
func TestRealFullDisk(t *testing.T) {
	dir, resize := mountTiny(t, 2<<20)
	s, err := Open(dir)
	require.NoError(t, err)
	ctx := context.Background()
	chunk := json.RawMessage(`"` + strings.Repeat("x", 60<<10) + `"`)
	acked := 0
	var full error
	for i := 0; i < 100 && full == nil; i++ {
		a, b := data(2*i), data(2*i+1)
		a.Data, b.Data = chunk, chunk
		if _, err := s.Append(ctx, "pathway-full", eventstore.Any(), a, b); err != nil {
			full = err
			break
		}
		acked += 2
	}
	t.Logf("refused after %d acknowledged events: %v", acked, full)
	require.ErrorIs(t, full, eventstore.ErrStorage, "the disk filled up")
	require.Contains(t, strings.ToLower(full.Error()), "full")
	got, err := s.ReadStream(ctx, "pathway-full", 0, 0)
	require.NoError(t, err)
	require.Len(t, got, acked, "every acknowledged event and nothing of the refused append")

	resize(16 << 20)
	_, err = s.Append(ctx, "pathway-full", eventstore.Exact(uint64(acked-1)), data(-1))
	require.NoError(t, err, "appends again once there is space")
	require.NoError(t, s.Close())
	s, err = Open(dir)
	require.NoError(t, err)
	defer s.Close()
	rep, err := eventstore.Verify(ctx, s, nil)
	require.NoError(t, err)
	require.True(t, rep.OK, "%v", rep.Failures)
	require.Equal(t, uint64(acked+1), rep.Events)
	require.False(t, errors.Is(full, eventstore.ErrInvalidEvent))
}
