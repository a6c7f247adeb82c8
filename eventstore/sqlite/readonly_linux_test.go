package sqlite

import (
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// Linux's inode flags ioctls and the immutable flag (linux/fs.h).
const (
	fsIocGetFlags = 0x80086601
	fsIocSetFlags = 0x40086602
	fsImmutableFl = 0x10
)

func setImmutable(dir string, on bool) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	var flags int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocGetFlags, uintptr(unsafe.Pointer(&flags))); e != 0 {
		return e
	}
	if on {
		flags |= fsImmutableFl
	} else {
		flags &^= fsImmutableFl
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocSetFlags, uintptr(unsafe.Pointer(&flags))); e != 0 {
		return e
	}
	return nil
}

// makeReadOnly makes dir unwritable for this process and returns the undo: chmod for
// an ordinary user, the immutable flag for root (skipping the test where the file
// system or the process's capabilities do not allow it).
func makeReadOnly(t *testing.T, dir string) (restore func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		undo := func() { _ = os.Chmod(dir, 0o700) }
		t.Cleanup(undo)
		return undo
	}
	if err := setImmutable(dir, true); err != nil {
		t.Skipf("running as root, where permission bits bind nothing, and the immutable flag is unavailable here (%v): no way to make a folder read-only", err)
	}
	undo := func() { _ = setImmutable(dir, false) }
	t.Cleanup(undo)
	return undo
}
