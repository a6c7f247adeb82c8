package durable

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func openLock(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// A second open file cannot take a held lock until it is released, and the locked
// file's contents stay readable (the folder lock names its holder in them).
func TestTryLockIsExclusiveUntilUnlocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.lock")
	first, second := openLock(t, path), openLock(t, path)

	require.NoError(t, TryLock(first))
	_, err := first.WriteAt([]byte("4242\n"), 0)
	require.NoError(t, err)
	require.ErrorIs(t, TryLock(second), ErrLocked)

	holder, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "4242\n", string(holder))

	require.NoError(t, Unlock(first))
	require.NoError(t, TryLock(second))
	require.ErrorIs(t, TryLock(first), ErrLocked)
}

// Closing the file releases its lock: a crashed holder never keeps the folder.
func TestCloseReleasesTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.lock")
	first, second := openLock(t, path), openLock(t, path)
	require.NoError(t, TryLock(first))
	require.NoError(t, first.Close())
	require.NoError(t, TryLock(second))
}

// Lock waits for the holder rather than failing.
func TestLockWaitsForTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.lock")
	first, second := openLock(t, path), openLock(t, path)
	require.NoError(t, Lock(first))
	got := make(chan error, 1)
	go func() { got <- Lock(second) }()
	select {
	case err := <-got:
		t.Fatalf("second Lock returned %v while the first was held", err)
	case <-time.After(100 * time.Millisecond):
	}
	require.NoError(t, Unlock(first))
	require.NoError(t, <-got)
}

// Rename replaces an existing file, as the snapshot and token writes rely on.
func TestRenameReplaces(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "new.tmp"), filepath.Join(dir, "final")
	require.NoError(t, os.WriteFile(to, []byte("old"), 0o600))
	require.NoError(t, os.WriteFile(from, []byte("new"), 0o600))
	require.NoError(t, Rename(from, to))
	b, err := os.ReadFile(to)
	require.NoError(t, err)
	require.Equal(t, "new", string(b))
	_, err = os.Stat(from)
	require.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, SyncDir(dir))
}

func TestRenameOfAMissingFileFails(t *testing.T) {
	dir := t.TempDir()
	err := Rename(filepath.Join(dir, "absent"), filepath.Join(dir, "final"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
