package api

import "strings"

// Checks collects field problems found after Bind (enumerations, formats, ranges)
// so that one 400 answer names them all.
type Checks struct{ errs []FieldError }

// Add records a problem with field; detail says what the field must be, never what
// was sent.
func (k *Checks) Add(field, detail string) {
	k.errs = append(k.errs, FieldError{Field: field, Detail: detail})
}

// Require records "is required" for field unless ok.
func (k *Checks) Require(ok bool, field string) {
	if !ok {
		k.Add(field, "is required")
	}
}

// OneOf records a problem unless value is empty (an omitted optional field) or one
// of allowed.
func (k *Checks) OneOf(field, value string, allowed ...string) {
	if value == "" {
		return
	}
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	k.Add(field, "must be one of "+strings.Join(allowed, ", "))
}

// Err is nil when nothing was recorded, else a 400 problem naming every field.
func (k *Checks) Err() error {
	if len(k.errs) == 0 {
		return nil
	}
	return BadRequest("the body has invalid fields", k.errs...)
}
