//go:build unix

package sqlite

import (
	"syscall"
	"time"
)

// cpuTime is the process's user and system CPU time. Reported per event beside the
// wall-clock rates, it shows the engine's cost even when other work shares the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
