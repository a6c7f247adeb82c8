package lite

import (
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"
)

// Error is a failed SQLite call with its extended result code.
type Error struct {
	Code int // extended result code; Code&0xff is the primary code
	Op   string
	Msg  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("sqlite: %s: %s (code %d)", e.Op, e.Msg, e.Code)
}

// Result codes the engine tells apart.
const (
	CodeReadOnly         = sqlite3.SQLITE_READONLY
	CodeFull             = sqlite3.SQLITE_FULL
	CodeConstraint       = sqlite3.SQLITE_CONSTRAINT
	CodeConstraintUnique = sqlite3.SQLITE_CONSTRAINT_UNIQUE
	CodeNoMem            = sqlite3.SQLITE_NOMEM
)

var errNoMem = &Error{Code: sqlite3.SQLITE_NOMEM, Op: "allocate", Msg: "out of memory"}

// Primary returns the primary result code of err (0 when err is not an *Error).
func Primary(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code & 0xff
	}
	return 0
}

// Extended returns the extended result code of err (0 when err is not an *Error).
func Extended(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}
