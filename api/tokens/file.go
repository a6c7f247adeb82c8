package tokens

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pathway-ledger/ledger/internal/durable"
)

// maxFileBytes bounds what a load reads: far more than any trust's staff list needs.
const maxFileBytes = 16 << 20

// refresh reloads the cached list when the file was replaced or changed since the
// last load. Writers replace the file by rename, so a new inode or a new size or
// modification time means a new version. Callers hold s.mu.
func (s *Store) refresh() error {
	fi, err := os.Stat(s.Path())
	if errors.Is(err, os.ErrNotExist) {
		s.seen, s.list, s.sums = nil, nil, nil
		return nil
	}
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	if s.seen != nil && os.SameFile(s.seen, fi) && s.seen.ModTime().Equal(fi.ModTime()) && s.seen.Size() == fi.Size() {
		return nil
	}
	list, fi, err := readFile(s.Path())
	if err != nil {
		return err
	}
	sums, err := hashesOf(list)
	if err != nil {
		return err
	}
	s.seen, s.list, s.sums = fi, list, sums
	return nil
}

// readFile reads the token file and the stat of the very version it read. A missing
// file is an empty list with a nil stat.
func readFile(path string) ([]Token, os.FileInfo, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("tokens: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("tokens: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("tokens: %w", err)
	}
	if len(b) > maxFileBytes {
		return nil, nil, fmt.Errorf("%w: larger than %d bytes", ErrCorrupt, maxFileBytes)
	}
	var d fileData
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	if d.Version != fileVersion {
		return nil, nil, fmt.Errorf("%w: %s: version %d, want %d", ErrCorrupt, path, d.Version, fileVersion)
	}
	return d.Tokens, fi, nil
}

func hashesOf(list []Token) ([][sha256.Size]byte, error) {
	sums := make([][sha256.Size]byte, len(list))
	for i, t := range list {
		b, err := hex.DecodeString(t.SHA256)
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("%w: token %s has a malformed hash", ErrCorrupt, t.ID)
		}
		copy(sums[i][:], b)
	}
	return sums, nil
}

// update applies change to the current list under an exclusive lock shared with
// other processes, then replaces the file atomically: a reader sees the old file or
// the new one, never a torn write, and a crash loses at most the change in flight.
func (s *Store) update(change func([]Token) ([]Token, error)) error {
	if err := os.MkdirAll(s.dir, 0o750); err != nil {
		return fmt.Errorf("tokens: create data folder: %w", err)
	}
	unlock, err := lockDir(s.dir)
	if err != nil {
		return err
	}
	defer unlock()
	list, _, err := readFile(s.Path())
	if err != nil {
		return err
	}
	list, err = change(list)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(fileData{Version: fileVersion, Tokens: list}, "", "  ")
	if err != nil {
		return fmt.Errorf("tokens: encode: %w", err)
	}
	if err := writeAtomic(s.dir, s.Path(), append(b, '\n')); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = nil // force the next read to load what was just written
	return s.refresh()
}

func lockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tokens: lock: %w", err)
	}
	if err := durable.Lock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("tokens: lock: %w", err)
	}
	return func() {
		_ = durable.Unlock(f)
		_ = f.Close()
	}, nil
}

// writeAtomic writes b to a temporary file beside path (created 0600), syncs it,
// renames it over path and syncs the folder so that the rename itself is durable.
func writeAtomic(dir, path string, b []byte) (err error) {
	tmp, err := os.CreateTemp(dir, ".tokens-*.tmp")
	if err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("tokens: %w", err)
	}
	if _, err = tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("tokens: write: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("tokens: sync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	if err = durable.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("tokens: %w", err)
	}
	return nil
}
