package pathway

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// scanner reads the small subset of JSON that pathway events use: objects of known
// members whose values are strings, booleans, integers, arrays of strings, null (only
// where a Go nil is possible) and nested objects. Anything else is refused as soon as
// it is seen, so there is no generic value skipper to get wrong.
//
// It is stricter than encoding/json, on purpose, for a legal record:
//   - member names match exactly (encoding/json folds case);
//   - a member may appear once (encoding/json lets the last one win);
//   - null is refused except for a pointer or a slice (encoding/json ignores it, so
//     a null date became 1970-01-01);
//   - strings must be valid UTF-8 without lone surrogate escapes (encoding/json
//     replaces them with U+FFFD);
//   - nothing but white space may follow the object (json.Decoder stops reading
//     after the first value).
type scanner struct {
	data []byte
	pos  int
}

// errUnknownMember is how a member table says a name is not one of its fields.
var errUnknownMember = errors.New("unknown member")

// maxMembers bounds the members of one object: more than any event type has, so a
// longer object always holds an unknown or repeated name and is refused anyway.
const maxMembers = 8

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%s at byte %d", fmt.Sprintf(format, args...), s.pos)
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) {
		// Every JSON white space byte is at most ' ': what Encode writes has none,
		// and the one comparison answers for nearly every byte met here.
		if c := s.data[s.pos]; c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return
		}
		s.pos++
	}
}

// peek returns the next byte after white space, 0 at the end.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.pos++
		return true
	}
	return false
}

// end refuses anything but white space after the event's object.
func (s *scanner) end() error {
	if s.skipSpace(); s.pos != len(s.data) {
		return s.errorf("data after the JSON object")
	}
	return nil
}

// objectOf reads one object, calling member for each name with the scanner at the
// value; member reads the value or returns errUnknownMember. While the members
// come as Encode writes them (m's order, nothing between), each name is matched
// with one comparison, and cannot repeat one before it; the first that comes
// otherwise, and all after it, are read and checked in full. Scanning names was
// a fifth of decoding an event.
func (s *scanner) objectOf(m *members, member func(name []byte) error) error {
	if !s.consume('{') {
		return s.errorf("want a JSON object")
	}
	if s.consume('}') {
		return nil
	}
	var seen [maxMembers][]byte
	next := 0 // the first of m's members the next name may be, as Encode writes it
	for n := 0; ; n++ {
		var name []byte
		if k := m.match(s.data[s.pos:], next); k >= 0 {
			name, next = m.names[k], k+1
			s.pos += len(m.quoted[k])
		} else {
			if m != nil {
				next = len(m.quoted)
			}
			var err error
			if name, err = s.memberName(seen[:n]); err != nil {
				return err
			}
		}
		// The message is encoding/json's, which the importer's redaction and
		// anyone's log searches know.
		if err := member(name); err == errUnknownMember {
			return fmt.Errorf("json: unknown field %q", name)
		} else if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		seen[n] = name
		if s.consume('}') {
			return nil
		}
		if !s.consume(',') {
			return s.errorf("want ',' or '}' after a member")
		}
	}
}

// memberName reads a member's name and its ':', refusing a name in seen and one
// past maxMembers.
func (s *scanner) memberName(seen [][]byte) ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.errorf("want a member name")
	}
	name, err := s.stringBytes()
	if err != nil {
		return nil, err
	}
	if !s.consume(':') {
		return nil, s.errorf("want ':' after a member name")
	}
	for _, prev := range seen {
		if string(prev) == string(name) {
			return nil, fmt.Errorf("duplicate field %q", name)
		}
	}
	if len(seen) == maxMembers {
		return nil, fmt.Errorf("json: unknown field %q", name)
	}
	return name, nil
}

// literal consumes lit (true, false or null) if it is next.
func (s *scanner) literal(lit string) bool {
	if s.skipSpace(); len(s.data)-s.pos >= len(lit) && string(s.data[s.pos:s.pos+len(lit)]) == lit {
		s.pos += len(lit)
		return true
	}
	return false
}

func (s *scanner) bool(dst *bool) error {
	switch {
	case s.literal("true"):
		*dst = true
	case s.literal("false"):
		*dst = false
	default:
		return s.errorf("want true or false")
	}
	return nil
}

// int reads a JSON integer: a fraction or exponent is refused, as encoding/json
// refuses it for an int.
func (s *scanner) int(dst *int) error {
	s.skipSpace()
	neg := s.pos < len(s.data) && s.data[s.pos] == '-'
	if neg {
		s.pos++
	}
	start := s.pos
	var u uint64
	for s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9' {
		d := uint64(s.data[s.pos] - '0')
		if u > (1<<63-d)/10 { // past any int64, so u cannot wrap
			return s.errorf("integer out of range")
		}
		u = u*10 + d
		s.pos++
	}
	switch digits := s.pos - start; {
	case digits == 0:
		return s.errorf("want an integer")
	case digits > 1 && s.data[start] == '0':
		return s.errorf("leading zero in a number")
	case s.pos < len(s.data) && (s.data[s.pos] == '.' || s.data[s.pos] == 'e' || s.data[s.pos] == 'E'):
		return s.errorf("want an integer")
	case !neg && u > math.MaxInt || neg && u > math.MaxInt+1:
		return s.errorf("integer out of range")
	}
	if neg {
		*dst = int(-int64(u))
	} else {
		*dst = int(u)
	}
	return nil
}

func (s *scanner) string(dst *string) error {
	b, err := s.stringBytes()
	if err != nil {
		return err
	}
	if v, ok := known(b); ok {
		*dst = v
		return nil
	}
	*dst = string(b)
	return nil
}

// strings reads an array of strings; null leaves a nil slice and [] an empty one,
// as encoding/json does.
func (s *scanner) strings(dst *[]string) error {
	if s.literal("null") {
		*dst = nil
		return nil
	}
	if !s.consume('[') {
		return s.errorf("want an array of strings")
	}
	out := []string{}
	if s.consume(']') {
		*dst = out
		return nil
	}
	for {
		var v string
		if err := s.string(&v); err != nil {
			return err
		}
		out = append(out, v)
		if s.consume(']') {
			*dst = out
			return nil
		}
		if !s.consume(',') {
			return s.errorf("want ',' or ']' in an array")
		}
	}
}

// plain marks the bytes a string holds as they are: not a quote, a backslash, a
// control character or part of a multi-byte character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringBytes reads a JSON string. Without escapes the result aliases the input, so
// a date or a member name costs no allocation.
func (s *scanner) stringBytes() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.errorf("want a JSON string")
	}
	start := s.pos + 1
	for i := start; ; {
		for i < len(s.data) && plain[s.data[i]] {
			i++
		}
		if i == len(s.data) {
			s.pos = i
			return nil, s.errorf("unterminated string")
		}
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], nil
		case c == '\\':
			s.pos = i
			return s.unescape(start)
		case c < 0x20:
			s.pos = i
			return nil, s.errorf("control character in a string")
		default:
			r, size := utf8.DecodeRune(s.data[i:])
			if r == utf8.RuneError && size == 1 {
				s.pos = i
				return nil, s.errorf("invalid UTF-8 in a string")
			}
			i += size
		}
	}
}

// unescape finishes a string that has escapes, from its first escape on.
func (s *scanner) unescape(start int) ([]byte, error) {
	out := append([]byte(nil), s.data[start:s.pos]...)
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return out, nil
		case c == '\\':
			r, err := s.escape()
			if err != nil {
				return nil, err
			}
			out = utf8.AppendRune(out, r)
		case c < 0x20:
			return nil, s.errorf("control character in a string")
		case c < utf8.RuneSelf:
			out = append(out, c)
			s.pos++
		default:
			r, size := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && size == 1 {
				return nil, s.errorf("invalid UTF-8 in a string")
			}
			out = append(out, s.data[s.pos:s.pos+size]...)
			s.pos += size
		}
	}
	return nil, s.errorf("unterminated string")
}

var simpleEscapes = [256]rune{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// escape reads one escape sequence; a \u surrogate must be a high one followed by a
// low one.
func (s *scanner) escape() (rune, error) {
	if s.pos+1 >= len(s.data) {
		return 0, s.errorf("unterminated string")
	}
	if c := s.data[s.pos+1]; c != 'u' {
		if r := simpleEscapes[c]; r != 0 {
			s.pos += 2
			return r, nil
		}
		return 0, s.errorf("invalid escape in a string")
	}
	r, ok := s.hex4()
	if !ok {
		return 0, s.errorf("invalid \\u escape")
	}
	if !utf16.IsSurrogate(r) {
		return r, nil
	}
	if lo, ok := s.hex4(); ok {
		if pair := utf16.DecodeRune(r, lo); pair != utf8.RuneError {
			return pair, nil
		}
	}
	return 0, s.errorf("unpaired surrogate in a string")
}

// hex4 reads \uXXXX.
func (s *scanner) hex4() (rune, bool) {
	if len(s.data)-s.pos < 6 || s.data[s.pos] != '\\' || s.data[s.pos+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.pos+2 : s.pos+6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	s.pos += 6
	return r, true
}
