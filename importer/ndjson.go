package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/eventstore"
)

// Record kinds of an NDJSON import line.
const (
	KindCommand = "command"
	KindEvent   = "event"
)

// MaxNDJSONLine bounds one line: the largest event data the store takes plus room
// for its envelope.
const MaxNDJSONLine = eventstore.MaxDataBytes + 64<<10

// NDJSON-only rules.
const (
	RuleBadJSON          = "bad_json"
	RuleUnknownField     = "unknown_field"
	RuleUnknownRoute     = "unknown_route"
	RuleUnknownEvent     = "unknown_event_type"
	RuleStreamMismatch   = "stream_mismatch"
	RuleOccurredMismatch = "occurred_on_mismatch"
)

// Record is one NDJSON line: a command for an API route, or an event for a stream.
//
//	{"kind":"command","route":"/v1/pathways","body":{...}}
//	{"kind":"event","stream":"pathway-<uuid>","event":{"event_id":...,"type":...,"data":{...}}}
type Record struct {
	Kind string `json:"kind"`
	// Route and Body of a command: Route is one of the API's POST command routes with
	// its ids filled in; Body is the JSON object that route takes, checked by the API
	// when the command is applied.
	Route string          `json:"route,omitempty"`
	Body  json.RawMessage `json:"body,omitempty"`
	// Stream and Event of an event: Stream is pathway-<uuid> or session-<uuid>.
	Stream string    `json:"stream,omitempty"`
	Event  *Envelope `json:"event,omitempty"`
}

// Envelope is the part of a stored event its writer supplies (the store assigns
// version, position, recorded_at and the hash chain, so those are refused here).
type Envelope struct {
	EventID       string           `json:"event_id"`
	Type          string           `json:"type"`
	SchemaVersion int              `json:"schema_version"`
	OccurredOn    string           `json:"occurred_on"`
	Actor         eventstore.Actor `json:"actor"`
	CorrelationID string           `json:"correlation_id,omitempty"`
	CausationID   string           `json:"causation_id,omitempty"`
	Reason        string           `json:"reason,omitempty"`
	Data          json.RawMessage  `json:"data"`
}

// EventData is the envelope as the store appends it.
func (e *Envelope) EventData() eventstore.EventData {
	return eventstore.EventData{EventID: e.EventID, Type: e.Type, SchemaVersion: e.SchemaVersion, OccurredOn: e.OccurredOn,
		Actor: e.Actor, CorrelationID: e.CorrelationID, CausationID: e.CausationID, Reason: e.Reason, Data: e.Data}
}

// CommandKey is a deterministic Idempotency-Key for a command record: the UUIDv5 of
// its route and compacted body. Sending it with the command makes a re-run of the
// file write nothing twice; two identical command lines are one command.
func (r *Record) CommandKey() string {
	var body bytes.Buffer
	if err := json.Compact(&body, r.Body); err != nil {
		body.Reset()
		body.Write(r.Body)
	}
	return uuid.NewSHA1(Namespace, []byte("ledger-import/v1\x00command\x00"+r.Route+"\x00"+body.String())).String()
}

// RefusedError lists the NDJSON lines ReadNDJSON refused, in line order.
type RefusedError struct {
	Refusals []Refusal
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s refused, first: %s", plural(len(e.Refusals), "line"), e.Refusals[0])
}

// WriteReport writes one line per refused line.
func (e *RefusedError) WriteReport(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "NDJSON check: %s refused (nothing from these lines is imported):\n", plural(len(e.Refusals), "line"))
	writeRefusals(bw, e.Refusals)
	return bw.Flush()
}

// ReadNDJSON reads an NDJSON import file and calls fn with each valid record and its
// line number (from 1), in file order. A line that is not a valid record is not
// passed to fn; reading goes on, and the refused lines come back at the end as a
// *RefusedError. Encoding problems end reading with a *FileError, and an error from
// fn ends it with that error. Blank lines are skipped.
//
// To import nothing unless every line is valid, check the file with CheckNDJSON (a
// fn that only collects or counts), then read it again with Checked.Read to apply.
//
// Lines are decoded on every core, a batch at a time, while fn runs on the
// caller's goroutine in file order: decoding (four passes of encoding/json and the
// aggregate's codec) was nearly all of a first pass over a trust's history.
func ReadNDJSON(r io.Reader, fn func(line int, rec Record) error) error {
	_, err := CheckNDJSON(r, fn)
	return err
}

// Checked is what CheckNDJSON found of a file: a hash of each batch of lines.
type Checked struct {
	seed maphash.Seed
	sums []uint64
}

// CheckNDJSON is ReadNDJSON, and returns what a second read needs to skip the
// checks for lines that have not changed.
func CheckNDJSON(r io.Reader, fn func(line int, rec Record) error) (*Checked, error) {
	c := &Checked{seed: maphash.MakeSeed()}
	p := startDecoding(r, c.seed, nil)
	defer p.stop()
	var refused []Refusal
	for b := range p.order {
		<-b.done
		c.sums = append(c.sums, b.sum)
		for i := range b.lines {
			l := &b.lines[i]
			switch {
			case l.bad != nil:
				refused = append(refused, *l.bad)
			case l.ok:
				if err := fn(l.line, l.rec); err != nil {
					return nil, fmt.Errorf("line %d: %w", l.line, err)
				}
			}
			l.rec = Record{}
		}
		if b.err != nil {
			var fe *FileError
			if errors.As(b.err, &fe) {
				return nil, fe
			}
			return nil, fmt.Errorf("importer: read NDJSON: %w", b.err)
		}
	}
	if len(refused) > 0 {
		return nil, &RefusedError{Refusals: refused}
	}
	return c, nil
}

// ErrChanged: a second read of a file is not what CheckNDJSON checked.
var ErrChanged = errors.New("the file changed since it was checked")

// Read reads the file CheckNDJSON checked and calls fn with each record, in file
// order, decoding each line once, without the checks. It stops with ErrChanged
// before the first batch of lines (256) that differs from the one checked; the
// records before it were passed to fn.
func (c *Checked) Read(r io.Reader, fn func(line int, rec Record) error) error {
	p := startDecoding(r, c.seed, c)
	defer p.stop()
	batches := 0
	for b := range p.order {
		<-b.done
		if b.err != nil {
			return fmt.Errorf("importer: read NDJSON: %w", b.err)
		}
		if b.changed {
			return fmt.Errorf("%w: at line %d or after", ErrChanged, b.first)
		}
		batches++
		for i := range b.lines {
			l := &b.lines[i]
			if l.ok {
				if err := fn(l.line, l.rec); err != nil {
					return fmt.Errorf("line %d: %w", l.line, err)
				}
			}
			l.rec = Record{}
		}
	}
	if batches != len(c.sums) {
		return fmt.Errorf("%w: it ends before the lines checked", ErrChanged)
	}
	return nil
}

// readLine returns the next line without its line end, and io.EOF with the last
// one. A line over MaxNDJSONLine is skipped to its end and reported as too long.
func readLine(br *bufio.Reader, buf *[]byte) ([]byte, bool, error) {
	*buf = (*buf)[:0]
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong && len(*buf)+len(chunk) > MaxNDJSONLine+2 {
			tooLong, *buf = true, (*buf)[:0]
		}
		if !tooLong {
			*buf = append(*buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(*buf, []byte("\n")), []byte("\r")), tooLong, err
	}
}

var (
	commandKeys  = map[string]bool{"kind": true, "route": true, "body": true}
	eventKeys    = map[string]bool{"kind": true, "stream": true, "event": true}
	envelopeKeys = map[string]bool{"event_id": true, "type": true, "schema_version": true, "occurred_on": true,
		"actor": true, "correlation_id": true, "causation_id": true, "reason": true, "data": true}
	actorKeys = map[string]bool{"user": true, "role": true}
)

// decodeRecord checks one line strictly: exact key names (encoding/json alone would
// match "KIND" to kind), no key of the other kind, and values of the right shape.
func decodeRecord(line int, text []byte) (Record, *Refusal) {
	refuse := func(field, value, rule, format string, args ...any) (Record, *Refusal) {
		return Record{}, &Refusal{Line: line, Field: field, Value: clip(value), Rule: rule, Detail: fmt.Sprintf(format, args...)}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(text, &top); err != nil {
		return refuse("(line)", "", RuleBadJSON, "must be one JSON object: %s", redactQuoted(err.Error()))
	}
	var rec Record
	if err := unmarshalString(top["kind"], &rec.Kind); err != nil {
		return refuse("kind", "", RuleBadFormat, "must be a string")
	}
	allowed := commandKeys
	switch rec.Kind {
	case KindCommand:
	case KindEvent:
		allowed = eventKeys
	case "":
		return refuse("kind", "", RuleRequired, "is required: %q or %q", KindCommand, KindEvent)
	default:
		return refuse("kind", rec.Kind, RuleUnknownCode, "must be %q or %q", KindCommand, KindEvent)
	}
	if k := firstUnknown(top, allowed); k != "" {
		return refuse(k, "", RuleUnknownField, "is not a field of a %s line", rec.Kind)
	}
	if rec.Kind == KindCommand {
		if err := unmarshalString(top["route"], &rec.Route); err != nil || rec.Route == "" {
			return refuse("route", "", RuleRequired, "is required: the API route the command is posted to")
		}
		if !knownCommandRoute(rec.Route) {
			return refuse("route", rec.Route, RuleUnknownRoute, "is not a POST command route of the API (see API.md)")
		}
		body := bytes.TrimSpace(top["body"])
		if len(body) == 0 || body[0] != '{' {
			return refuse("body", "", RuleRequired, "must be the command's JSON object")
		}
		rec.Body = body
		return rec, nil
	}
	if err := unmarshalString(top["stream"], &rec.Stream); err != nil || rec.Stream == "" {
		return refuse("stream", "", RuleRequired, "is required: pathway-<uuid> or session-<uuid>")
	}
	kind, id, ok := splitStream(rec.Stream)
	if !ok {
		return refuse("stream", rec.Stream, RuleBadFormat, "must be pathway-<uuid> or session-<uuid> with a lower-case UUID")
	}
	env, bad := decodeEnvelope(top["event"])
	if bad != nil {
		bad.Line = line
		return Record{}, bad
	}
	rec.Event = env
	ed := env.EventData()
	if err := eventstore.Validate(&ed); err != nil {
		var ie *eventstore.InvalidEventError
		if errors.As(err, &ie) {
			return refuse("event."+ie.Field, "", RuleBadFormat, "%s", ie.Rule)
		}
		return refuse("event", "", RuleBadFormat, "%s", redactQuoted(err.Error()))
	}
	if bad := checkEventData(kind, id, env); bad != nil {
		bad.Line = line
		return Record{}, bad
	}
	return rec, nil
}

func decodeEnvelope(raw json.RawMessage) (*Envelope, *Refusal) {
	var fields map[string]json.RawMessage
	if len(raw) == 0 {
		return nil, &Refusal{Field: "event", Rule: RuleRequired, Detail: "is required: the event envelope"}
	}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, &Refusal{Field: "event", Rule: RuleBadFormat, Detail: "must be a JSON object"}
	}
	if k := firstUnknown(fields, envelopeKeys); k != "" {
		return nil, &Refusal{Field: "event." + k, Rule: RuleUnknownField,
			Detail: "is not an envelope field a writer supplies (the store assigns stream_version, position, recorded_at and hashes)"}
	}
	if a, ok := fields["actor"]; ok {
		var actor map[string]json.RawMessage
		if err := json.Unmarshal(a, &actor); err != nil {
			return nil, &Refusal{Field: "event.actor", Rule: RuleBadFormat, Detail: "must be an object {user, role}"}
		}
		if k := firstUnknown(actor, actorKeys); k != "" {
			return nil, &Refusal{Field: "event.actor." + k, Rule: RuleUnknownField, Detail: "is not an actor field"}
		}
	}
	var env Envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		field := "event"
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			field += "." + te.Field
		}
		return nil, &Refusal{Field: field, Rule: RuleBadFormat, Detail: "has the wrong JSON type"}
	}
	return &env, nil
}

// checkEventData decodes the data with the aggregate's own strict codec, so nothing
// is imported that the aggregate could not fold.
func checkEventData(kind, id string, env *Envelope) *Refusal {
	var on string
	switch kind {
	case "pathway":
		if !pathway.IsEventType(env.Type) {
			return &Refusal{Field: "event.type", Value: clip(env.Type), Rule: RuleUnknownEvent, Detail: "is not a pathway event type"}
		}
		ev, err := pathway.Decode(env.Type, env.SchemaVersion, env.Data)
		if err != nil {
			return &Refusal{Field: "event.data", Rule: RuleBadFormat, Detail: redactQuoted(err.Error())}
		}
		if rr, ok := ev.(pathway.ReferralReceived); ok && rr.PathwayID != id {
			return &Refusal{Field: "event.data.pathway_id", Rule: RuleStreamMismatch, Detail: "differs from the stream's pathway id"}
		}
		var re *pathway.RuleError
		if err := pathway.CheckRecorded(ev); errors.As(err, &re) {
			return &Refusal{Field: "event.data." + re.Field, Rule: re.Rule, Detail: re.Detail}
		}
		on = ev.On().String()
	case "session":
		if !session.IsEventType(env.Type) {
			return &Refusal{Field: "event.type", Value: clip(env.Type), Rule: RuleUnknownEvent, Detail: "is not a session event type"}
		}
		ev, err := session.Decode(env.Type, env.SchemaVersion, env.Data)
		if err != nil {
			return &Refusal{Field: "event.data", Rule: RuleBadFormat, Detail: redactQuoted(err.Error())}
		}
		if session.SessionOf(ev) != id {
			return &Refusal{Field: "event.data.session_id", Rule: RuleStreamMismatch, Detail: "differs from the stream's session id"}
		}
		on = ev.On().String()
	}
	if on != env.OccurredOn {
		return &Refusal{Field: "event.occurred_on", Value: env.OccurredOn, Rule: RuleOccurredMismatch,
			Detail: fmt.Sprintf("differs from the date the event's data gives (%s)", on)}
	}
	return nil
}

func splitStream(s string) (kind, id string, ok bool) {
	for _, k := range []string{"pathway", "session"} {
		if rest, found := strings.CutPrefix(s, k+"-"); found {
			u, err := uuid.Parse(rest)
			return k, rest, err == nil && u.String() == rest
		}
	}
	return "", "", false
}

func unmarshalString(raw json.RawMessage, dst *string) error {
	if len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, dst)
}

// firstUnknown returns the alphabetically first key not allowed ("" when none), so
// reports are stable whatever the map order.
func firstUnknown(m map[string]json.RawMessage, allowed map[string]bool) string {
	first, found := "", false
	for k := range m {
		if !allowed[k] && (!found || k < first) {
			first, found = k, true
		}
	}
	if found && first == "" {
		return "(empty key)"
	}
	return clip(first)
}

// commandRoutes are the API's POST command routes (API.md); {x} is one path segment.
var commandRoutes = [][]string{
	split("/v1/pathways"),
	split("/v1/pathways/{id}/activities"),
	split("/v1/pathways/{id}/waiting-list-entries"),
	split("/v1/pathways/{id}/offers"),
	split("/v1/pathways/{id}/offers/{offer_id}/decline"),
	split("/v1/pathways/{id}/offers/{offer_id}/accept"),
	split("/v1/pathways/{id}/unavailability"),
	split("/v1/pathways/{id}/bookings"),
	split("/v1/pathways/{id}/bookings/{booking_id}/cancellations"),
	split("/v1/pathways/{id}/pre-op-assessments"),
	split("/v1/pathways/{id}/validations"),
	split("/v1/sessions"),
	split("/v1/sessions/{id}/bookings"),
	split("/v1/sessions/{id}/bookings/{pathway_id}/removal"),
	split("/v1/sessions/{id}/finalisation"),
	split("/v1/sessions/{id}/cancellations"),
}

func split(route string) []string { return strings.Split(route, "/") }

// pathSegment is what an id in a route may be: no escaping, query or fragment (and
// not "." or "..", which a client would resolve to another route).
var pathSegment = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,128}$`)

func knownCommandRoute(route string) bool {
	segs := split(route)
	for _, pattern := range commandRoutes {
		if len(pattern) != len(segs) {
			continue
		}
		match := true
		for i, p := range pattern {
			if strings.HasPrefix(p, "{") {
				match = pathSegment.MatchString(segs[i]) && strings.Trim(segs[i], ".") != ""
			} else {
				match = p == segs[i]
			}
			if !match {
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// quoted matches a JSON or Go quoted string inside an error message.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// redactQuoted hides quoted values in decoder messages (a bad birth date is echoed by
// its parser) but keeps the name in `unknown field "x"`, which is the file's schema.
func redactQuoted(msg string) string {
	var b strings.Builder
	last := 0
	for _, loc := range quoted.FindAllStringIndex(msg, -1) {
		b.WriteString(msg[last:loc[0]])
		if strings.HasSuffix(msg[:loc[0]], "unknown field ") {
			b.WriteString(msg[loc[0]:loc[1]])
		} else {
			b.WriteString(`"…"`)
		}
		last = loc[1]
	}
	b.WriteString(msg[last:])
	return b.String()
}
