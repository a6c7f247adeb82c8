//go:build windows

package pagefile

import (
	"fmt"
	"math"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// mapFile maps the file read-only through a file mapping object, which the view
// keeps open: the handle is closed at once.
func mapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if size <= 0 {
		return nil, nil, fmt.Errorf("%w: the file is empty", ErrCorrupt)
	}
	if size > math.MaxInt {
		return nil, nil, fmt.Errorf("%w: %d bytes cannot be mapped here", ErrUnsupported, size)
	}
	m, err := windows.CreateFileMapping(windows.Handle(f.Fd()), nil, windows.PAGE_READONLY, uint32(size>>32), uint32(size), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("pagefile: map %s: %w", f.Name(), err)
	}
	addr, err := windows.MapViewOfFile(m, windows.FILE_MAP_READ, 0, 0, uintptr(size))
	_ = windows.CloseHandle(m)
	if err != nil {
		return nil, nil, fmt.Errorf("pagefile: map %s: %w", f.Name(), err)
	}
	// The view is memory outside Go's heap, which MapViewOfFile returns as an
	// address; read as a pointer in place, as converting the integer is not allowed.
	data := unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), int(size))
	return data, func() error { return windows.UnmapViewOfFile(addr) }, nil
}
