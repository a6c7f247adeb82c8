package api

import (
	"fmt"
	"net/http"
)

// ProblemContentType is the media type of every error answer (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem type URIs. They identify the kind of problem for clients; the title is the
// same for every occurrence of a type and the detail explains this occurrence.
const (
	TypeMalformed          = "urn:pathway-ledger:problem:malformed-request"
	TypeUnauthenticated    = "urn:pathway-ledger:problem:unauthenticated"
	TypeForbidden          = "urn:pathway-ledger:problem:forbidden"
	TypeNotFound           = "urn:pathway-ledger:problem:not-found"
	TypeMethodNotAllowed   = "urn:pathway-ledger:problem:method-not-allowed"
	TypeVersionConflict    = "urn:pathway-ledger:problem:version-conflict"
	TypeDuplicate          = "urn:pathway-ledger:problem:duplicate"
	TypeIdempotencyReused  = "urn:pathway-ledger:problem:idempotency-key-reused"
	TypeIdempotencyPending = "urn:pathway-ledger:problem:idempotency-key-in-progress"
	TypeTooLarge           = "urn:pathway-ledger:problem:request-too-large"
	TypeUnsupportedMedia   = "urn:pathway-ledger:problem:unsupported-media-type"
	TypeRuleViolation      = "urn:pathway-ledger:problem:rule-violation"
	TypeNotCaughtUp        = "urn:pathway-ledger:problem:not-caught-up"
	TypeUnavailable        = "urn:pathway-ledger:problem:unavailable"
	TypeInternal           = "urn:pathway-ledger:problem:internal-error"
)

// Problem is an RFC 9457 problem details answer. It is an error, so a handler can
// return one and the central error handler writes it as is. Detail and field
// details name fields and rules; they must never carry patient data.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"`
	// Rule names the domain rule that refused a command (422).
	Rule string `json:"rule,omitempty"`
	// CurrentVersion is the stream's version when a write met a version conflict
	// (-1 when the stream does not exist).
	CurrentVersion *int64 `json:"current_version,omitempty"`
	// RequestID lets an operator find the matching log line.
	RequestID string `json:"request_id,omitempty"`
	// RetryAfter, in seconds, is sent as the Retry-After header when positive.
	RetryAfter int `json:"-"`
}

// FieldError names one field of the request and what is wrong with it.
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
	}
	return fmt.Sprintf("%d %s", p.Status, p.Title)
}

// NewProblem makes a problem of any type.
func NewProblem(status int, typ, title, detail string) *Problem {
	return &Problem{Type: typ, Title: title, Status: status, Detail: detail}
}

// WithErrors adds field errors and returns p.
func (p *Problem) WithErrors(errs ...FieldError) *Problem {
	p.Errors = append(p.Errors, errs...)
	return p
}

// BadRequest is a 400: the request is malformed (syntax, types, missing or unknown
// fields). errs name the fields.
func BadRequest(detail string, errs ...FieldError) *Problem {
	return NewProblem(http.StatusBadRequest, TypeMalformed, "Malformed request", detail).WithErrors(errs...)
}

// NotFound is a 404 for an unknown resource, e.g. NotFound("pathway").
func NotFound(what string) *Problem {
	return NewProblem(http.StatusNotFound, TypeNotFound, "Not found", what+" not found")
}

// Duplicate is a 409 for a resource that already exists.
func Duplicate(detail string) *Problem {
	return NewProblem(http.StatusConflict, TypeDuplicate, "Duplicate", detail)
}

// RuleViolation is a 422: a domain rule refuses the command. field may be empty.
func RuleViolation(rule, field, detail string) *Problem {
	p := NewProblem(http.StatusUnprocessableEntity, TypeRuleViolation, "A domain rule refuses the command", detail)
	p.Rule = rule
	if field != "" {
		p.Errors = []FieldError{{Field: field, Detail: detail}}
	}
	return p
}

func internalProblem() *Problem {
	return NewProblem(http.StatusInternalServerError, TypeInternal, "Internal error",
		"the server failed to handle the request; quote the request id to the operator")
}

func unavailableProblem(detail string) *Problem {
	p := NewProblem(http.StatusServiceUnavailable, TypeUnavailable, "Service unavailable", detail)
	p.RetryAfter = 1
	return p
}
