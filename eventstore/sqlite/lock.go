package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/internal/durable"
)

// folderLock is an exclusive lock (flock; LockFileEx on Windows) on DIR/ledger.lock held for the store's life, so a
// second ledger process cannot write the same log. sqlite3 readers are unaffected.
type folderLock struct{ f *os.File }

func lockFolder(dir string) (*folderLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %v", eventstore.ErrStorage, path, err)
	}
	if err := durable.TryLock(f); err != nil {
		if !errors.Is(err, durable.ErrLocked) {
			f.Close()
			return nil, fmt.Errorf("%w: lock %s: %v", eventstore.ErrStorage, path, err)
		}
		holder, _ := os.ReadFile(path)
		f.Close()
		pid := strings.TrimSpace(string(holder))
		if pid == "" {
			pid = "unknown"
		}
		return nil, fmt.Errorf("%w: %s is in use by process %s", eventstore.ErrLocked, dir, pid)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &folderLock{f: f}, nil
}

func (l *folderLock) release() {
	if l != nil && l.f != nil {
		_ = durable.Unlock(l.f)
		_ = l.f.Close()
	}
}
