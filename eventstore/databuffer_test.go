package eventstore_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

func TestDataBufferHandsOutEachBlockOnceUntilReset(t *testing.T) {
	var b eventstore.DataBuffer
	first := map[*byte]bool{}
	for range 3 {
		blk := b.Block()
		require.Empty(t, blk)
		require.Equal(t, eventstore.DataBlockSize, cap(blk))
		p := &blk[:1][0]
		require.False(t, first[p], "a block handed out twice before Reset")
		first[p] = true
	}
	b.Reset()
	for range 3 {
		blk := b.Block()
		require.True(t, first[&blk[:1][0]], "after Reset, the same blocks again")
	}
	blk := b.Block()
	require.False(t, first[&blk[:1][0]], "a fourth block is new")
}

// foldingLog reads positions as pagedLog does, each event's Data its position in
// decimal, written into the DataBuffer given.
type foldingLog struct {
	pagedLog
	buffers map[*eventstore.DataBuffer]bool
}

func (l *foldingLog) ReadAllForFold(ctx context.Context, after uint64, limit int, dst []eventstore.Event, data *eventstore.DataBuffer) ([]eventstore.Event, error) {
	evs, err := l.ReadAll(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	l.buffers[data] = true
	block := data.Block()
	for i := range evs {
		doc := strconv.FormatUint(evs[i].Position, 10)
		if cap(block)-len(block) < len(doc) {
			block = data.Block()
		}
		at := len(block)
		block = append(block, doc...)
		evs[i].Data = block[at:len(block):len(block)]
	}
	return append(dst, evs...), nil
}

func docsOf(t *testing.T, evs []eventstore.Event) {
	t.Helper()
	for _, e := range evs {
		require.Equal(t, strconv.FormatUint(e.Position, 10), string(e.Data))
	}
}

// A fold's pages carry DataBuffers of their own, read into again only once their
// page is recycled (the race detector sees a buffer written while its page is read).
func TestReadAheadForFoldReusesTheDataOfRecycledPagesOnly(t *testing.T) {
	log := &foldingLog{pagedLog: pagedLog{n: 2000}, buffers: map[*eventstore.DataBuffer]bool{}}
	pages, stop := eventstore.ReadAheadForFold(context.Background(), log, 0, 10)
	defer stop()
	n := 0
	for pg := range pages {
		require.NoError(t, pg.Err)
		docsOf(t, pg.Events)
		n += len(pg.Events)
		pg.Recycle()
	}
	require.Equal(t, 2000, n)
	require.NotContains(t, log.buffers, (*eventstore.DataBuffer)(nil), "every read had a DataBuffer")
	require.LessOrEqual(t, len(log.buffers), 5, "only the pages in flight at once have buffers of their own")

	// Pages never recycled keep their documents to the end.
	log = &foldingLog{pagedLog: pagedLog{n: 300}, buffers: map[*eventstore.DataBuffer]bool{}}
	pages, stop = eventstore.ReadAheadForFold(context.Background(), log, 0, 10)
	defer stop()
	var held [][]eventstore.Event
	for pg := range pages {
		held = append(held, pg.Events)
	}
	for _, evs := range held {
		docsOf(t, evs)
	}
	require.Len(t, log.buffers, 31, "a buffer for every page, the last (empty) one's included")
}
