//go:build unix

package pagefile

import (
	"fmt"
	"math"
	"os"
	"syscall"
)

func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if size <= 0 {
		return nil, nil, fmt.Errorf("%w: the file is empty", ErrCorrupt)
	}
	if size > math.MaxInt {
		return nil, nil, fmt.Errorf("%w: %d bytes cannot be mapped here", ErrUnsupported, size)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("pagefile: map %s: %w", f.Name(), err)
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
