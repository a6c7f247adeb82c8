//go:build !linux

package sqlite

import "os"

// dataSync: elsewhere a full sync (fsync, FlushFileBuffers).
func dataSync(f *os.File) error { return f.Sync() }
