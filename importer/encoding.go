package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// textReader passes UTF-8 text through and fails with a *FileError as soon as the
// bytes show another encoding. encoding/json and encoding/csv would otherwise accept
// a Windows-1252 or UTF-16 file and turn every accented name into U+FFFD or every
// header into NUL-riddled nonsense. A UTF-8 byte-order mark is dropped. It also
// records whether the text ended with a line break, which tells a truncated file.
type textReader struct {
	br      *bufio.Reader
	carry   []byte // the start of a multi-byte character split across reads
	line    int    // line of the next byte, from 1
	last    byte
	total   int64
	err     error
	started bool
}

func newTextReader(r io.Reader) *textReader {
	return &textReader{br: bufio.NewReaderSize(r, 64<<10), line: 1}
}

// boms lists byte-order marks longest first: a UTF-32LE mark starts with UTF-16LE's.
var boms = []struct {
	mark []byte
	name string
}{
	{[]byte{0xFF, 0xFE, 0x00, 0x00}, "UTF-32LE"},
	{[]byte{0x00, 0x00, 0xFE, 0xFF}, "UTF-32BE"},
	{[]byte{0xFF, 0xFE}, "UTF-16LE"},
	{[]byte{0xFE, 0xFF}, "UTF-16BE"},
}

func (t *textReader) start() error {
	t.started = true
	head, err := t.br.Peek(64)
	if err != nil && err != io.EOF {
		return err // Peek hands a read error over once: it must not be dropped
	}
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = t.br.Discard(3)
		return nil
	}
	for _, b := range boms {
		if bytes.HasPrefix(head, b.mark) {
			return &FileError{Line: 1, Rule: RuleNotUTF8, Detail: fmt.Sprintf(
				"file is not UTF-8 (looks like %s: it starts with a %s byte-order mark); save it as UTF-8", b.name, b.name)}
		}
	}
	// Without a mark, ASCII text in UTF-16 shows as a NUL beside every character.
	if i := bytes.IndexByte(head, 0); i >= 0 {
		guess := "it contains NUL bytes"
		if len(head) >= 2 && head[0] != 0 && head[1] == 0 {
			guess = "looks like UTF-16LE without a byte-order mark"
		} else if len(head) >= 2 && head[0] == 0 && head[1] != 0 {
			guess = "looks like UTF-16BE without a byte-order mark"
		}
		return &FileError{Line: 1, Rule: RuleNotUTF8, Detail: "file is not UTF-8 (" + guess + "); save it as UTF-8"}
	}
	return nil
}

func (t *textReader) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	if !t.started {
		if err := t.start(); err != nil {
			t.err = err
			return 0, err
		}
	}
	n, err := t.br.Read(p)
	if verr := t.check(p[:n]); verr != nil {
		t.err = verr
		return 0, verr
	}
	if n > 0 {
		t.last = p[n-1]
		t.total += int64(n)
	}
	if err == io.EOF && len(t.carry) > 0 {
		t.err = t.notUTF8(t.carry[0], "the file ends inside a multi-byte character")
		return n, t.err
	}
	if err != nil {
		t.err = err
	}
	return n, err
}

// check validates b, continuing a character split by the previous read.
func (t *textReader) check(b []byte) error {
	i := 0
	for len(t.carry) > 0 && i < len(b) {
		t.carry = append(t.carry, b[i])
		i++
		if utf8.FullRune(t.carry) {
			if r, size := utf8.DecodeRune(t.carry); r == utf8.RuneError && size == 1 {
				return t.notUTF8(t.carry[0], "")
			}
			t.carry = t.carry[:0]
		}
	}
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			switch c {
			case '\n':
				t.line++
			case 0:
				return &FileError{Line: t.line, Rule: RuleNotUTF8, Detail: fmt.Sprintf(
					"file is not UTF-8 text: a NUL byte on line %d (a UTF-16 or binary file?)", t.line)}
			}
			i++
			continue
		}
		if !utf8.FullRune(b[i:]) {
			t.carry = append(t.carry[:0], b[i:]...)
			return nil
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return t.notUTF8(c, "")
		}
		i += size
	}
	return nil
}

func (t *textReader) notUTF8(c byte, why string) error {
	guess := "looks like Windows-1252 or Latin-1, as Excel's plain \"CSV\" format saves"
	if why != "" {
		guess = why
	}
	return &FileError{Line: t.line, Rule: RuleNotUTF8, Detail: fmt.Sprintf(
		"file is not UTF-8 (%s): byte 0x%02X on line %d; save it as \"CSV UTF-8\"", guess, c, t.line)}
}

// endsWithNewline reports whether the text read so far ended with a line break.
func (t *textReader) endsWithNewline() bool { return t.last == '\n' }
