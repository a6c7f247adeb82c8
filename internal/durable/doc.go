// Package durable holds the few file-system operations whose durable or exclusive
// form differs between operating systems: an advisory lock on an open file, and a
// rename that has reached the disk when it returns. The ledger runs where trusts
// run it, Linux and Windows servers alike; everything else it does to files is
// portable through package os.
package durable

import "errors"

// ErrLocked is returned by TryLock when another process (or another open file of
// this one) holds the lock.
var ErrLocked = errors.New("durable: file is locked")
