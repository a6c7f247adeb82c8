package importer

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Progress reports how far an import has gone. On a terminal it redraws one line
// with a bar, rate and ETA; anywhere else (a log file, a CI job) it prints a plain
// line at intervals, because carriage returns make logs unreadable. Done prints a
// closing summary. It is safe for concurrent use.
type Progress struct {
	mu        sync.Mutex
	w         io.Writer
	total     int64
	label     string
	unit      string
	tty       bool
	now       func() time.Time
	start     time.Time
	last      time.Time // last line written
	lastCount int64
	count     int64
	every     time.Duration
	everyN    int64
	redraw    time.Duration
	width     int // length of the last terminal line, to blank a shorter one
	finished  bool
}

const barWidth = 20

// NewProgress reports on w towards total (0 or less: unknown) units, "rows" unless
// WithUnit says otherwise. Whether w is a terminal is detected (a character device);
// WithTerminal overrides it.
func NewProgress(w io.Writer, total int64, label string) *Progress {
	p := &Progress{w: w, total: total, label: label, unit: "rows", tty: isTerminal(w), now: time.Now,
		every: 5 * time.Second, redraw: 100 * time.Millisecond}
	p.start = p.now()
	p.last = p.start
	return p
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// WithClock replaces the clock (for tests) and restarts the timing from its now.
func (p *Progress) WithClock(now func() time.Time) *Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = now
	p.start = now()
	p.last = p.start
	return p
}

// WithTerminal forces the terminal (redrawn line) or plain (log lines) form.
func (p *Progress) WithTerminal(tty bool) *Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tty = tty
	return p
}

// WithUnit names what is counted ("rows", "events", "lines").
func (p *Progress) WithUnit(unit string) *Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unit = unit
	return p
}

// WithInterval sets how often the plain form prints: after d, or after n more units
// when n > 0, whichever comes first. The default is every 5 seconds.
func (p *Progress) WithInterval(d time.Duration, n int64) *Progress {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.every, p.everyN = d, n
	return p
}

// Add counts n more units done.
func (p *Progress) Add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.count += n
	t := p.now()
	switch {
	case p.tty && t.Sub(p.last) >= p.redraw:
		p.drawTerminal(t)
	case !p.tty && (t.Sub(p.last) >= p.every || p.everyN > 0 && p.count-p.lastCount >= p.everyN):
		p.printPlain(t)
	}
}

// Stop ends the report without a summary, for a run that failed (its own error says
// how far it got): on a terminal it ends the redrawn line so the error starts on a
// line of its own. Later calls, and Done after it, do nothing.
func (p *Progress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	if p.tty && p.width > 0 {
		fmt.Fprintln(p.w)
	}
}

// Done ends the report with the total and the overall rate. Later calls do nothing.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.finished = true
	t := p.now()
	elapsed := t.Sub(p.start)
	rate := p.rate(t)
	if p.tty {
		if p.width == 0 || p.lastCount != p.count {
			p.drawTerminal(t)
		}
		fmt.Fprintf(p.w, "\n%s: %s %s in %s (%s %s/s)\n", p.label, group(p.count), p.unit, roundDuration(elapsed), group(int64(rate)), p.unit)
		return
	}
	fmt.Fprintf(p.w, "%s: done, %d %s in %s, %.0f %s/s\n", p.label, p.count, p.unit, roundDuration(elapsed), rate, p.unit)
}

func (p *Progress) rate(t time.Time) float64 {
	secs := t.Sub(p.start).Seconds()
	if secs <= 0 {
		return 0
	}
	return float64(p.count) / secs
}

func (p *Progress) percent() int64 {
	if p.count >= p.total {
		return 100
	}
	return p.count * 100 / p.total
}

func (p *Progress) eta(rate float64) string {
	if rate <= 0 {
		return "--"
	}
	left := p.total - p.count
	if left <= 0 {
		return "0s"
	}
	secs := int64(float64(left)/rate + 0.999)
	switch {
	case secs < 60:
		return strconv.FormatInt(secs, 10) + "s"
	case secs < 3600:
		return fmt.Sprintf("%dm%02ds", secs/60, secs%60)
	}
	return fmt.Sprintf("%dh%02dm", secs/3600, secs%3600/60)
}

// drawTerminal: import  42% [########            ] 42,000/100,000 rows  8,120 rows/s  ETA 7s
func (p *Progress) drawTerminal(t time.Time) {
	rate := p.rate(t)
	var line string
	if p.total > 0 {
		pct := p.percent()
		filled := int(pct * barWidth / 100)
		line = fmt.Sprintf("%s %3d%% [%s%s] %s/%s %s  %s %s/s  ETA %s", p.label, pct,
			strings.Repeat("#", filled), strings.Repeat(" ", barWidth-filled),
			group(p.count), group(p.total), p.unit, group(int64(rate)), p.unit, p.eta(rate))
	} else {
		line = fmt.Sprintf("%s %s %s  %s %s/s", p.label, group(p.count), p.unit, group(int64(rate)), p.unit)
	}
	pad := ""
	if n := len(line); n < p.width {
		pad = strings.Repeat(" ", p.width-n)
	}
	p.width = len(line)
	fmt.Fprint(p.w, "\r"+line+pad)
	p.last, p.lastCount = t, p.count
}

// printPlain: import: 42000/100000 rows (42%), 8120 rows/s, ETA 7s
func (p *Progress) printPlain(t time.Time) {
	rate := p.rate(t)
	if p.total > 0 {
		fmt.Fprintf(p.w, "%s: %d/%d %s (%d%%), %.0f %s/s, ETA %s\n", p.label, p.count, p.total, p.unit, p.percent(), rate, p.unit, p.eta(rate))
	} else {
		fmt.Fprintf(p.w, "%s: %d %s, %.0f %s/s\n", p.label, p.count, p.unit, rate, p.unit)
	}
	p.last, p.lastCount = t, p.count
}

// group writes n with thousands separators: 100000 → 100,000.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}
