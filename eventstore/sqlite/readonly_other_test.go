//go:build !linux

package sqlite

import "testing"

// makeReadOnly: the read-only folder tests use Linux's permission bits and
// immutable flag; elsewhere they are skipped.
func makeReadOnly(t *testing.T, _ string) (restore func()) {
	t.Helper()
	t.Skip("making a folder read-only is only done on Linux")
	return func() {}
}
