package projections

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/internal/memstore"
)

// counterState is what the toy projection knows: events per stream, per type, and a
// digest of every (position, event id) applied in order, so two states are equal
// only if the same events were applied in the same order.
type counterState struct {
	Streams map[string]uint64 `json:"streams"`
	Types   map[string]uint64 `json:"types"`
	Events  uint64            `json:"events"`
	Last    uint64            `json:"last"`
	Digest  uint64            `json:"digest"`
}

// counter is the toy projection. It refuses an event at or below the last one it
// applied, so any double delivery by the runner fails the test that caused it.
type counter struct {
	name    string
	version uint32

	mu      sync.RWMutex
	st      counterState
	calls   uint64                    // Apply calls in this process, not snapshotted
	poison  uint64                    // refuse the event at this position
	onApply func(ev eventstore.Event) // test hook, called before the event is folded in
}

func newCounter(name string) *counter {
	c := &counter{name: name, version: 1}
	c.Reset()
	return c
}

func (c *counter) Name() string            { return c.name }
func (c *counter) SnapshotVersion() uint32 { return c.version }

func (c *counter) Apply(ev eventstore.Event) error {
	if c.onApply != nil {
		c.onApply(ev)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.poison != 0 && ev.Position == c.poison {
		return fmt.Errorf("cannot fold %s", ev.Type)
	}
	if ev.Position <= c.st.Last {
		return fmt.Errorf("event at %d after %d: out of order or applied twice", ev.Position, c.st.Last)
	}
	c.st.Streams[ev.Stream]++
	c.st.Types[ev.Type]++
	c.st.Events++
	c.st.Last = ev.Position
	h := fnv.New64a()
	_, _ = h.Write([]byte(strconv.FormatUint(c.st.Digest, 16) + "|" + strconv.FormatUint(ev.Position, 10) + "|" + ev.EventID))
	c.st.Digest = h.Sum64()
	return nil
}

func (c *counter) Snapshot(w io.Writer) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return json.NewEncoder(w).Encode(c.st)
}

func (c *counter) Restore(r io.Reader) error {
	var st counterState
	if err := json.NewDecoder(r).Decode(&st); err != nil {
		return err
	}
	if st.Streams == nil || st.Types == nil {
		return fmt.Errorf("incomplete state")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st = st
	return nil
}

func (c *counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st = counterState{Streams: map[string]uint64{}, Types: map[string]uint64{}}
}

func (c *counter) state() counterState {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st := c.st
	st.Streams = make(map[string]uint64, len(c.st.Streams))
	for k, v := range c.st.Streams {
		st.Streams[k] = v
	}
	st.Types = make(map[string]uint64, len(c.st.Types))
	for k, v := range c.st.Types {
		st.Types[k] = v
	}
	return st
}

func (c *counter) applyCalls() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.calls
}

// expected is the state of a straight replay of the whole log.
func expected(t testing.TB, s eventstore.Reader) counterState {
	t.Helper()
	c := newCounter("expected")
	_, err := Replay(context.Background(), s, "", nil, c)
	require.NoError(t, err)
	return c.state()
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func evData(typ string, n int) eventstore.EventData {
	return eventstore.EventData{Type: typ, SchemaVersion: 1, OccurredOn: "2025-04-01",
		Actor: eventstore.Actor{User: "test", Role: "admin"},
		Data:  json.RawMessage(`{"n":` + strconv.Itoa(n) + `}`)}
}

// fill appends n events spread over streams streams, a few per append.
func fill(t testing.TB, s eventstore.Store, n, streams int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; {
		k := min(1+i%3, n-i)
		batch := make([]eventstore.EventData, k)
		for j := range batch {
			batch[j] = evData([]string{"Referred", "Offered", "Treated"}[(i+j)%3], i+j)
		}
		_, err := s.Append(ctx, "pathway-"+strconv.Itoa(i%streams), eventstore.Any(), batch...)
		require.NoError(t, err)
		i += k
	}
}

func head(t testing.TB, s *memstore.Store) uint64 {
	t.Helper()
	h, err := s.HeadPosition(context.Background())
	require.NoError(t, err)
	return h
}

// logBuffer collects the runner's log lines for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	lb := &logBuffer{}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

// start makes and starts a runner; the test closes it.
func start(t testing.TB, s eventstore.Store, dir string, o Options, ps ...Projection) (*Runner, *logBuffer) {
	t.Helper()
	logger, lb := newLogger()
	r, err := NewRunner(s, dir, logger, ps...)
	require.NoError(t, err)
	require.NoError(t, r.SetOptions(o))
	require.NoError(t, r.Start(context.Background()))
	t.Cleanup(func() { _ = r.Close() })
	return r, lb
}

func waitCtx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
