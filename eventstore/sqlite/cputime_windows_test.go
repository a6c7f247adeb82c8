//go:build windows

package sqlite

import (
	"time"

	"golang.org/x/sys/windows"
)

// cpuTime is the process's user and kernel CPU time (see cputime_unix_test.go).
func cpuTime() time.Duration {
	var created, exited, kernel, user windows.Filetime
	_ = windows.GetProcessTimes(windows.CurrentProcess(), &created, &exited, &kernel, &user)
	// Filetimes count 100 ns intervals.
	ticks := func(f windows.Filetime) int64 { return int64(f.HighDateTime)<<32 | int64(f.LowDateTime) }
	return time.Duration((ticks(kernel) + ticks(user)) * 100)
}
