package rtt

import (
	"errors"
	"fmt"
)

// Priority is an FSSA clinical surgical priority (RTT.md §6).
type Priority string

const (
	P1a Priority = "P1a" // within 24 hours
	P1b Priority = "P1b" // within 72 hours
	P2  Priority = "P2"  // within 4 weeks
	P3  Priority = "P3"  // within 3 months
	P4  Priority = "P4"  // over 3 months
)

// ErrBadPriority is returned for text that is not an FSSA priority code.
var ErrBadPriority = errors.New("rtt: priority must be one of P1a, P1b, P2, P3, P4")

// ParsePriority accepts exactly the FSSA codes.
func ParsePriority(s string) (Priority, error) {
	switch p := Priority(s); p {
	case P1a, P1b, P2, P3, P4:
		return p, nil
	}
	return "", fmt.Errorf("%w: %q", ErrBadPriority, s)
}

// Rank orders priorities by urgency: P1a is 0, P4 is 4, unknown 5.
func (p Priority) Rank() int {
	switch p {
	case P1a:
		return 0
	case P1b:
		return 1
	case P2:
		return 2
	case P3:
		return 3
	case P4:
		return 4
	}
	return 5
}

// DueDate is the target treatment date for a patient listed on listedOn: listing +
// 1 / 3 / 28 / 84 days for P1a / P1b / P2 / P3 (ours, RTT.md §6). P4 has no due date:
// it is by definition "over 3 months", so ok is false.
func (p Priority) DueDate(listedOn Date) (Date, bool) {
	switch p {
	case P1a:
		return listedOn.AddDays(1), true
	case P1b:
		return listedOn.AddDays(3), true
	case P2:
		return listedOn.AddDays(28), true
	case P3:
		return listedOn.AddDays(84), true
	}
	return Date{}, false
}
