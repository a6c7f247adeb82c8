package sqlite

import (
	"os"
	"syscall"
)

// dataSync is what the engine's commits wait for on Linux: fdatasync.
func dataSync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
