package sqlite

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/internal/race"
)

const crashChildEnv = "LEDGER_CRASH_CHILD_DIR"

type batchData struct {
	Batch string `json:"batch"`
	Size  int    `json:"size"`
	Index int    `json:"index"`
}

// TestCrashChild is the child process of TestCrashKeepsEveryAcknowledgedEvent: 8
// writers append batches of 1–3 events and print each batch's ids only after Append
// returned, until the parent kills the process.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("child process of the crash test")
	}
	s, err := Open(dir)
	if err != nil {
		fmt.Println("open-failed", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "ready")
	out.Flush()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				n := 1 + (i+w)%3
				batch := uuid.NewString()
				evs := make([]eventstore.EventData, n)
				ids := make([]string, n)
				for k := range evs {
					d, _ := json.Marshal(batchData{Batch: batch, Size: n, Index: k})
					evs[k] = eventstore.EventData{EventID: uuid.NewString(), Type: "Crashed", SchemaVersion: 1,
						OccurredOn: "2025-01-06", Actor: eventstore.Actor{User: "child", Role: "admin"}, Data: d}
					ids[k] = evs[k].EventID
				}
				stream := fmt.Sprintf("pathway-crash-%d", (w*7+i)%12)
				if _, err := s.Append(context.Background(), stream, eventstore.Any(), evs...); err != nil {
					fmt.Println("append-failed", err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintln(out, "ack", w, stream, strings.Join(ids, ","))
				out.Flush()
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
}

// TestCrashKeepsEveryAcknowledgedEvent SIGKILLs a writing process at random moments
// and proves, after each kill, that every acknowledged event is present, intact and
// in order, that no multi-event append is partly visible, and that every hash chain
// verifies.
func TestCrashKeepsEveryAcknowledgedEvent(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("in the child")
	}
	rounds := 20
	if testing.Short() {
		rounds = 5
	}
	child := crashChildBinary(t)
	dir := t.TempDir()
	acked := map[string]string{} // event id → stream
	var order [][]string         // acknowledged batches: writer, then event ids
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill timings seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	for round := 0; round < rounds; round++ {
		cmd := exec.Command(child, "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		lines := make(chan string, 4096)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		first := <-lines
		require.Equal(t, "ready", first, "child failed to start")
		time.Sleep(time.Duration(20+rng.IntN(250)) * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		for line := range lines {
			f := strings.Fields(line)
			if len(f) == 4 && f[0] == "ack" {
				ids := strings.Split(f[3], ",")
				for _, id := range ids {
					acked[id] = f[2]
				}
				order = append(order, append([]string{fmt.Sprint(round, "/", f[1])}, ids...))
				continue
			}
			require.Failf(t, "child reported", "%s", line)
		}
		_ = cmd.Wait()
		checkAfterCrash(t, dir, acked, order)
	}
	require.NotEmpty(t, acked, "the child acknowledged appends")
	t.Logf("%d acknowledged events over %d rounds", len(acked), rounds)
}

// crashChildBinary is the program the parent kills: this test binary, or under the
// race detector a build of this package's tests without it, whose child appends
// several times faster and so is killed in more varied states.
func crashChildBinary(t *testing.T) string {
	if !race.Enabled {
		return os.Args[0]
	}
	bin := filepath.Join(t.TempDir(), "crash-child.test")
	if out, err := exec.Command("go", "test", "-c", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Logf("building the child without -race failed (%v: %s); the race-instrumented binary is the child", err, out)
		return os.Args[0]
	}
	return bin
}

func checkAfterCrash(t *testing.T, dir string, acked map[string]string, order [][]string) {
	t.Helper()
	s, err := Open(dir)
	require.NoError(t, err, "reopens after a kill")
	defer s.Close()
	ctx := context.Background()
	all, err := s.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	pos := map[string]eventstore.Event{}
	batches := map[string][]batchData{}
	for i, e := range all {
		require.Equal(t, uint64(i+1), e.Position, "gap-free positions")
		pos[e.EventID] = e
		var b batchData
		require.NoError(t, json.Unmarshal(e.Data, &b), "intact data")
		batches[b.Batch] = append(batches[b.Batch], b)
	}
	for id, stream := range acked {
		e, ok := pos[id]
		require.True(t, ok, "acknowledged event %s lost", id)
		require.Equal(t, stream, e.Stream)
	}
	for id, bs := range batches {
		require.Len(t, bs, bs[0].Size, "batch %s partly visible", id)
		for k, b := range bs {
			require.Equal(t, k, b.Index, "batch %s out of order", id)
		}
	}
	// A writer appends only after its previous append was acknowledged, so its
	// batches must stand in the log in the order it sent them.
	last := map[string]uint64{}
	for _, b := range order {
		writer, ids := b[0], b[1:]
		first := pos[ids[0]].Position
		if prev, ok := last[writer]; ok {
			require.Greater(t, first, prev, "writer %s reordered", writer)
		}
		last[writer] = pos[ids[len(ids)-1]].Position
	}
	rep, err := eventstore.Verify(ctx, s, nil)
	require.NoError(t, err)
	require.True(t, rep.OK, "%v", rep.Failures)
}
