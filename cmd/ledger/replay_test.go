package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/projections"
	"github.com/pathway-ledger/ledger/projections/rttreport"
	"github.com/pathway-ledger/ledger/rtt"
)

func TestReplayRebuildsAndSnapshots(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"generate", "--data", dir, "--pathways", "200", "--today", "2026-11-24", "--session-weeks", "1"}, &out, &errOut), errOut.String())
	out.Reset()
	require.Equal(t, 0, run([]string{"replay", "--data", dir}, &out, &errOut), errOut.String())
	m := regexp.MustCompile(`replayed \d+ events of (\d+) streams to position \d+`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	streams, _ := strconv.Atoi(m[1])
	require.Greater(t, streams, 200, "the closing summary counts the streams: 200 pathways and the week's sessions")
	var vout bytes.Buffer
	require.Equal(t, 0, run([]string{"verify", "--data", dir}, &vout, &errOut), errOut.String())
	require.Contains(t, vout.String(), fmt.Sprintf(" events in %d streams checked", streams), "verify counts the same streams")
	require.Regexp(t, `replay: done, \d+ events in `, errOut.String(), "progress closes with the total and the rate")
	require.Contains(t, out.String(), "open pathways")
	require.Regexp(t, `read models: \d+ MB live heap \(\d+ B per open pathway\)`, out.String(),
		"replay says what the read models hold")
	require.Contains(t, out.String(), "log read from the database file's pages")
	require.Equal(t, foldedThrough(t, dir, sqlite.ForReplay()), foldedThrough(t, dir),
		"replays reading the file's pages and reading through SQLite (as serve's rebuild does) fold the same models")
}

// folded is what a replay's read models hold, in forms that compare.
type folded struct {
	running  []pathway.State
	report   rttreport.Report
	sessions []byte
	bookings []byte
}

func foldedThrough(t *testing.T, dir string, opt ...sqlite.Option) folded {
	store, err := sqlite.Open(dir, opt...)
	require.NoError(t, err)
	defer store.Close()
	p, s, b := newProjections(store)
	_, err = projections.Replay(context.Background(), store, t.TempDir(), nil, p, s, b)
	require.NoError(t, err)
	var f folded
	require.NoError(t, p.EachRunning(func(st pathway.State, _ []string) error {
		f.running = append(f.running, st)
		return nil
	}))
	require.NotEmpty(t, f.running)
	f.report = p.Report(rtt.MustParseDate("2026-10-31"))
	var sb, bb bytes.Buffer
	require.NoError(t, s.Snapshot(&sb))
	require.NoError(t, b.Snapshot(&bb))
	f.sessions, f.bookings = sb.Bytes(), bb.Bytes()
	return f
}

// A log the pathway model cannot fold (an unknown event type on a pathway stream)
// stops the replay: exit 1, the refused event named, no snapshot, and no "done"
// summary that would read as success.
func TestReplayStopsAtAPoisonEventWithoutADoneLine(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	var out, errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"replay", "--data", dir}, &out, &errOut))
	require.Contains(t, errOut.String(), "ledger replay: ")
	require.Contains(t, errOut.String(), "position 1")
	require.NotContains(t, errOut.String(), "replay: done")
	require.Empty(t, out.String())
	_, err := os.Stat(filepath.Join(dir, projections.SnapshotFolder, "pathways.snap"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

// BenchmarkReplay is `ledger replay`'s fold, snapshots aside: a generated trust of
// 20,000 pathways read from the database file's pages into the three read models,
// the pathways model's pages decoded by the stage beside its fold. Compare builds
// with it (git worktree) on this machine's noisy cores by alternating runs.
func BenchmarkReplay(b *testing.B) {
	dir := b.TempDir()
	var out, errOut bytes.Buffer
	require.Equal(b, 0, run([]string{"generate", "--data", dir, "--pathways", "20000", "--today", "2026-11-24", "--session-weeks", "2"}, &out, &errOut), errOut.String())
	store, err := sqlite.Open(dir, sqlite.ForReplay())
	require.NoError(b, err)
	defer store.Close()
	var events uint64
	for b.Loop() {
		p, s, bk := newProjections(store)
		st, err := projections.Replay(context.Background(), store, "", nil, p, s, bk)
		require.NoError(b, err)
		events += st.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
