package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestProgressTerminal(t *testing.T) {
	var buf bytes.Buffer
	clk := newFakeClock()
	p := NewProgress(&buf, 100_000, "import").WithTerminal(true).WithClock(clk.now)

	clk.advance(50 * time.Millisecond)
	p.Add(100)
	assert.Empty(t, buf.String(), "no redraw within 100ms")

	clk.advance(950 * time.Millisecond)
	p.Add(900) // 1,000 in 1s: 99,000 left at 1,000/s
	assert.Equal(t, "\rimport   1% [                    ] 1,000/100,000 rows  1,000 rows/s  ETA 1m39s", buf.String())

	buf.Reset()
	clk.advance(4 * time.Second)
	p.Add(41_000) // 42,000 in 5s = 8,400/s; 58,000 left = 6.9s
	assert.Equal(t, "\rimport  42% [########            ] 42,000/100,000 rows  8,400 rows/s  ETA 7s"+"  ", buf.String(),
		"a shorter line is padded over the longer one")

	buf.Reset()
	clk.advance(6900 * time.Millisecond)
	p.Add(57_000)
	clk.advance(100 * time.Millisecond)
	p.Add(1_000) // drawn here, so Done does not draw the same line again
	p.Done()
	assert.Equal(t, "\rimport  99% [################### ] 99,000/100,000 rows  8,319 rows/s  ETA 1s"+
		"\rimport 100% [####################] 100,000/100,000 rows  8,333 rows/s  ETA 0s"+
		"\nimport: 100,000 rows in 12s (8,333 rows/s)\n", buf.String())

	buf.Reset()
	p.Add(5)
	p.Done()
	assert.Empty(t, buf.String(), "nothing after Done")
}

func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	clk := newFakeClock()
	p := NewProgress(&buf, 100_000, "import").WithTerminal(false).WithClock(clk.now)

	clk.advance(4 * time.Second)
	p.Add(30_000)
	assert.Empty(t, buf.String(), "plain lines every 5s by default")

	clk.advance(1 * time.Second)
	p.Add(12_000)
	assert.Equal(t, "import: 42000/100000 rows (42%), 8400 rows/s, ETA 7s\n", buf.String())

	buf.Reset()
	clk.advance(7 * time.Second)
	p.Add(58_000)
	p.Done()
	assert.Equal(t, "import: 100000/100000 rows (100%), 8333 rows/s, ETA 0s\nimport: done, 100000 rows in 12s, 8333 rows/s\n", buf.String())
}

func TestProgressPlainEveryNRows(t *testing.T) {
	var buf bytes.Buffer
	clk := newFakeClock()
	p := NewProgress(&buf, 0, "generate").WithTerminal(false).WithClock(clk.now).WithUnit("events").WithInterval(time.Minute, 1000)
	for i := 0; i < 25; i++ {
		clk.advance(100 * time.Millisecond)
		p.Add(100)
	}
	p.Done()
	assert.Equal(t, "generate: 1000 events, 1000 events/s\n"+
		"generate: 2000 events, 1000 events/s\n"+
		"generate: done, 2500 events in 2.5s, 1000 events/s\n", buf.String())
}

func TestProgressUnknownTotalOnTerminal(t *testing.T) {
	var buf bytes.Buffer
	clk := newFakeClock()
	p := NewProgress(&buf, 0, "import").WithTerminal(true).WithClock(clk.now)
	clk.advance(2 * time.Second)
	p.Add(3_000_000)
	assert.Equal(t, "\rimport 3,000,000 rows  1,500,000 rows/s", buf.String())
}

func TestProgressLongETA(t *testing.T) {
	var buf bytes.Buffer
	clk := newFakeClock()
	p := NewProgress(&buf, 10_000_000, "import").WithTerminal(false).WithClock(clk.now)
	clk.advance(10 * time.Second)
	p.Add(10_000) // 1,000/s, 9,990,000 left = 2h46m30s
	assert.Equal(t, "import: 10000/10000000 rows (0%), 1000 rows/s, ETA 2h46m\n", buf.String())
}

func TestProgressDoneAtOnce(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, 10, "import").WithTerminal(false).WithClock(newFakeClock().now)
	p.Done()
	assert.Equal(t, "import: done, 0 rows in 0s, 0 rows/s\n", buf.String())
}

func TestProgressConcurrentAdd(t *testing.T) {
	var buf bytes.Buffer
	clk := newFakeClock()
	p := NewProgress(&buf, 8000, "import").WithTerminal(true).WithClock(clk.now)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				clk.advance(time.Millisecond)
				p.Add(1)
			}
		}()
	}
	wg.Wait()
	p.Done()
	assert.Contains(t, buf.String(), "\nimport: 8,000 rows in 8s (1,000 rows/s)\n")
}

func TestIsTerminal(t *testing.T) {
	assert.False(t, isTerminal(&bytes.Buffer{}))
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f), "a regular file gets plain lines")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, isTerminal(w), "a pipe gets plain lines")
	assert.False(t, NewProgress(w, 1, "x").tty)
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 42000: "42,000", 1234567: "1,234,567", -1234: "-1,234"} {
		assert.Equal(t, want, group(n))
	}
}

// A failed run ends the report without a "done" summary; on a terminal the redrawn
// line is ended so the error that follows stands on its own line.
func TestProgressStopAfterAFailure(t *testing.T) {
	var buf bytes.Buffer
	clk := newFakeClock()
	p := NewProgress(&buf, 100, "replay").WithUnit("events").WithTerminal(true).WithClock(clk.now)
	clk.advance(time.Second)
	p.Add(40)
	p.Stop()
	assert.Equal(t, "\rreplay  40% [########            ] 40/100 events  40 events/s  ETA 2s\n", buf.String())
	buf.Reset()
	p.Add(10)
	p.Done()
	p.Stop()
	assert.Empty(t, buf.String(), "nothing after Stop, Done included")

	var plain bytes.Buffer
	q := NewProgress(&plain, 100, "verify").WithTerminal(false).WithClock(clk.now)
	q.Add(40)
	q.Stop()
	assert.Empty(t, plain.String(), "no summary line in a log either")
}
