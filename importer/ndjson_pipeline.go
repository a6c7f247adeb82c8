package importer

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"sync"
)

// batchLines and batchBytes bound a batch of lines handed to a decoder: enough to
// make handing over cheap, few enough that a handful in flight hold little.
const (
	batchLines = 256
	batchBytes = 256 << 10
)

// decodedLine is one line of a batch once decoded: a record to pass on (ok), a
// refusal, or neither (a blank line).
type decodedLine struct {
	line int
	ok   bool
	rec  Record
	bad  *Refusal
}

// lineBatch is consecutive lines of the file. Its text is its own copy; done
// closes once every line is decoded; err is the read error that ended the file
// after these lines, if any.
type lineBatch struct {
	text  []byte
	ends  []int // the end of each line in text
	first int   // the first line's number
	// tooLong marks lines over MaxNDJSONLine (skipped, text empty); atEOF marks a
	// batch whose last line ended the file without a line end.
	tooLong map[int]bool
	atEOF   bool
	err     error
	lines   []decodedLine
	done    chan struct{}
	// index is the batch's number in the file; sum hashes its lines; changed marks
	// a batch of a second read that is not the one checked.
	index   int
	sum     uint64
	changed bool
}

// pipeline reads batches in order and decodes them on worker goroutines.
type pipeline struct {
	order chan *lineBatch
	quit  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once
	// checked, on a second read, is what the first read found: batches whose hash
	// matches are decoded for writing only (decodeChecked).
	checked *Checked
	seed    maphash.Seed
}

func startDecoding(r io.Reader, seed maphash.Seed, checked *Checked) *pipeline {
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	p := &pipeline{order: make(chan *lineBatch, 2*workers), quit: make(chan struct{}), checked: checked, seed: seed}
	work := make(chan *lineBatch, 2*workers)
	p.wg.Add(1 + workers)
	go func() {
		defer p.wg.Done()
		defer close(work)
		defer close(p.order)
		p.read(bufio.NewReaderSize(newTextReader(r), 64<<10), work)
	}()
	for range workers {
		go func() {
			defer p.wg.Done()
			for b := range work {
				b.sum = b.hash(p.seed)
				if p.checked != nil {
					b.decodeChecked(p.checked)
				} else {
					b.decode()
				}
			}
		}()
	}
	return p
}

// stop ends reading and waits for every goroutine, whatever the consumer did.
func (p *pipeline) stop() {
	p.once.Do(func() { close(p.quit) })
	for b := range p.order {
		<-b.done
	}
	p.wg.Wait()
}

// read splits the file into batches, each sent to a decoder and, in file order,
// to the consumer; it stops at the end of the file, a read error or quit.
func (p *pipeline) read(br *bufio.Reader, work chan<- *lineBatch) {
	var buf []byte
	line := 1
	for index := 0; ; index++ {
		b := &lineBatch{first: line, index: index, done: make(chan struct{})}
		for len(b.ends) < batchLines && len(b.text) < batchBytes {
			text, tooLong, err := readLine(br, &buf)
			if err != nil && err != io.EOF {
				b.err = err
				break
			}
			if tooLong {
				if b.tooLong == nil {
					b.tooLong = map[int]bool{}
				}
				b.tooLong[len(b.ends)] = true
				text = nil
			}
			b.text = append(b.text, text...)
			b.ends = append(b.ends, len(b.text))
			line++
			if err == io.EOF {
				b.atEOF = true
				break
			}
		}
		if !p.send(b, work) || b.err != nil || b.atEOF {
			return
		}
	}
}

func (p *pipeline) send(b *lineBatch, work chan<- *lineBatch) bool {
	select {
	case p.order <- b:
	case <-p.quit:
		return false
	}
	select {
	case work <- b:
		return true
	case <-p.quit:
		close(b.done) // the consumer is gone; nothing waits on this batch's lines
		return false
	}
}

// hash sums the batch's lines and where each ends, so that a second read can tell
// the batch it checked from one that changed.
func (b *lineBatch) hash(seed maphash.Seed) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	_, _ = h.Write(b.text)
	for _, end := range b.ends {
		_ = binary.Write(&h, binary.LittleEndian, int64(end))
	}
	return h.Sum64()
}

// decodeChecked decodes a batch the first read checked, for writing: one
// json.Unmarshal a line instead of the checks' several passes. A batch whose hash
// differs, or a line that no longer decodes, marks the batch changed.
func (b *lineBatch) decodeChecked(c *Checked) {
	defer close(b.done)
	if b.index >= len(c.sums) || c.sums[b.index] != b.sum {
		b.changed, b.text = true, nil
		return
	}
	b.eachLine(func(_ int, l *decodedLine, text []byte) bool {
		if len(bytes.TrimSpace(text)) == 0 {
			return true
		}
		var rec Record
		if err := json.Unmarshal(text, &rec); err != nil {
			b.changed = true
			return false
		}
		if rec.Kind == KindCommand {
			rec.Body = bytes.TrimSpace(rec.Body)
		}
		l.ok, l.rec = true, rec
		return true
	})
}

// eachLine gives fn each line of b with its decodedLine (numbered) until fn says
// stop, then lets the batch's text go.
func (b *lineBatch) eachLine(fn func(i int, l *decodedLine, text []byte) bool) {
	b.lines = make([]decodedLine, len(b.ends))
	from := 0
	for i, end := range b.ends {
		text := b.text[from:end]
		from = end
		l := &b.lines[i]
		l.line = b.first + i
		if !fn(i, l, text) {
			break
		}
	}
	b.text = nil
}

// decode decodes every line of b, as ReadNDJSON's rules say.
func (b *lineBatch) decode() {
	defer close(b.done)
	b.eachLine(func(i int, l *decodedLine, text []byte) bool {
		switch {
		case b.tooLong[i]:
			l.bad = &Refusal{Line: l.line, Field: "(line)", Rule: RuleLineTooLong,
				Detail: fmt.Sprintf("is longer than %d bytes", MaxNDJSONLine)}
		case len(bytes.TrimSpace(text)) > 0:
			rec, bad := decodeRecord(l.line, text)
			if bad != nil {
				if b.atEOF && i == len(b.ends)-1 && bad.Rule == RuleBadJSON {
					bad.Detail += "; the last line has no line end: is the file truncated?"
				}
				l.bad = bad
				break
			}
			l.ok, l.rec = true, rec
		}
		return true
	})
}
