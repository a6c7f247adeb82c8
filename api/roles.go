package api

import (
	"fmt"
	"strings"
)

// Role is what an authenticated caller is allowed to do.
type Role string

// The roles of issue 4 item 5.
const (
	RoleBooking   Role = "booking"   // pathway and session commands
	RoleValidator Role = "validator" // validations and reads
	RoleAuditor   Role = "auditor"   // every read, events and integrity included
	RoleReader    Role = "reader"    // PTL, positions, reports
	RoleAdmin     Role = "admin"     // everything
)

var allRoles = []Role{RoleBooking, RoleValidator, RoleAuditor, RoleReader, RoleAdmin}

// AllRoles lists the roles in a stable order (for usage texts and tests).
func AllRoles() []Role { return append([]Role(nil), allRoles...) }

// ParseRole accepts exactly one of the role names.
func ParseRole(s string) (Role, error) {
	for _, r := range allRoles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(allRoles))
	for i, r := range allRoles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("unknown role %q (want one of %s)", s, strings.Join(names, ", "))
}

// RoleSet is the roles a route admits. Admin is admitted by every set.
type RoleSet struct{ bits uint8 }

func roleBit(r Role) uint8 {
	for i, x := range allRoles {
		if x == r {
			return 1 << i
		}
	}
	return 0
}

// Allow makes the set of the given roles (plus admin).
func Allow(roles ...Role) RoleSet {
	s := RoleSet{bits: roleBit(RoleAdmin)}
	for _, r := range roles {
		s.bits |= roleBit(r)
	}
	return s
}

// With returns the set widened by roles.
func (s RoleSet) With(roles ...Role) RoleSet {
	for _, r := range roles {
		s.bits |= roleBit(r)
	}
	return s
}

// Admits reports whether r may use a route guarded by the set. Unknown roles never may.
func (s RoleSet) Admits(r Role) bool {
	b := roleBit(r)
	return b != 0 && s.bits&b != 0
}

// Roles lists the set's members in the order of AllRoles.
func (s RoleSet) Roles() []Role {
	var out []Role
	for _, r := range allRoles {
		if s.Admits(r) {
			out = append(out, r)
		}
	}
	return out
}

func (s RoleSet) String() string {
	names := make([]string, 0, len(allRoles))
	for _, r := range s.Roles() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// The access areas of issue 4 item 5; route files pick the one their routes belong to.
var (
	// CommandRoles: pathway and session commands (POST /v1/pathways..., /v1/sessions...).
	CommandRoles = Allow(RoleBooking)
	// ValidationRoles: recording a validator's decision (POST .../validations).
	ValidationRoles = Allow(RoleValidator)
	// ReadRoles: pathway, session and validation reads.
	ReadRoles = Allow(RoleValidator, RoleAuditor)
	// AuditRoles: event histories and integrity checks.
	AuditRoles = Allow(RoleAuditor)
	// ReportRoles: the PTL (waiting list), positions and RTT reports.
	ReportRoles = Allow(RoleReader, RoleValidator, RoleAuditor)
	// AuthenticatedRoles: any authenticated caller (e.g. the OpenAPI document).
	AuthenticatedRoles = Allow(RoleBooking, RoleValidator, RoleAuditor, RoleReader)
	// AdminRoles: administration only.
	AdminRoles = Allow()
)
