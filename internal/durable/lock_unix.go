//go:build unix

package durable

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// TryLock takes an exclusive lock on f without waiting: ErrLocked if another open
// file description holds it. The lock goes with f's last close or the process.
func TryLock(f *os.File) error {
	err := flock(f, unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return ErrLocked
	}
	return err
}

// Lock takes an exclusive lock on f, waiting for whoever holds it.
func Lock(f *os.File) error { return flock(f, unix.LOCK_EX) }

// Unlock releases a lock taken by TryLock or Lock.
func Unlock(f *os.File) error { return flock(f, unix.LOCK_UN) }

func flock(f *os.File, how int) error {
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

// Rename renames oldpath to newpath, replacing it, and syncs the folder holding
// newpath, so that the rename survives a power cut once Rename returns.
func Rename(oldpath, newpath string) error {
	if err := os.Rename(oldpath, newpath); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(newpath))
}

// SyncDir makes the entries of folder dir (files created, renamed or removed in
// it) durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
