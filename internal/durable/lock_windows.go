//go:build windows

package durable

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// Windows locks byte ranges, and a locked range cannot be read by anyone else: the
// lock is taken on one byte far beyond anything written, so the file's contents
// (a lock file's holder, say) stay readable.
const lockOffset = 1 << 30

// TryLock takes an exclusive lock on f without waiting: ErrLocked if another open
// handle holds it. The lock goes with f's close or the process.
func TryLock(f *os.File) error {
	err := lockFileEx(f, windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return ErrLocked
	}
	return err
}

// Lock takes an exclusive lock on f, waiting for whoever holds it.
func Lock(f *os.File) error { return lockFileEx(f, windows.LOCKFILE_EXCLUSIVE_LOCK) }

// Unlock releases a lock taken by TryLock or Lock.
func Unlock(f *os.File) error {
	ol := overlapped()
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, ol)
}

func lockFileEx(f *os.File, flags uint32) error {
	ol := overlapped()
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, ol)
}

func overlapped() *windows.Overlapped {
	return &windows.Overlapped{Offset: lockOffset & 0xffffffff, OffsetHigh: lockOffset >> 32}
}

// Rename renames oldpath to newpath, replacing it, and returns once the rename is
// on the disk (MOVEFILE_WRITE_THROUGH): Windows cannot flush a folder as POSIX
// systems fsync one.
func Rename(oldpath, newpath string) error {
	from, err := windows.UTF16PtrFromString(oldpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	to, err := windows.UTF16PtrFromString(newpath)
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	if err := windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH); err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// SyncDir is nothing on Windows: NTFS journals its folders' entries, and a folder
// handle cannot be flushed (FlushFileBuffers refuses it). Renames that must be
// durable go through Rename.
func SyncDir(string) error { return nil }
