package v1

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/projections/pathways"
)

func countingBuild(c *asOfModels, fail error) *int {
	calls := 0
	c.build = func(context.Context, eventstore.Reader, time.Time) (*pathways.ReadModel, error) {
		calls++
		if fail != nil {
			return nil, fail
		}
		return pathways.New(), nil
	}
	return &calls
}

func TestAsOfModelsReuseASettledInstant(t *testing.T) {
	var c asOfModels
	calls := countingBuild(&c, nil)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	submitted := now.Add(-30 * 24 * time.Hour)
	a, err := c.get(context.Background(), nil, submitted, now)
	require.NoError(t, err)
	b, err := c.get(context.Background(), nil, submitted, now.Add(time.Hour))
	require.NoError(t, err)
	require.Same(t, a, b, "the ledger's knowledge at a settled instant cannot change")
	require.Equal(t, 1, *calls)

	other, err := c.get(context.Background(), nil, submitted.Add(time.Second), now)
	require.NoError(t, err)
	require.NotSame(t, a, other)
	_, err = c.get(context.Background(), nil, submitted, now)
	require.NoError(t, err)
	require.Equal(t, 3, *calls, "one model is kept: the latest instant asked")
}

func TestAsOfModelsRebuildARecentInstant(t *testing.T) {
	var c asOfModels
	calls := countingBuild(&c, nil)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	recent := now.Add(-time.Minute)
	for range 3 {
		_, err := c.get(context.Background(), nil, recent, now)
		require.NoError(t, err)
	}
	require.Equal(t, 3, *calls, "events may still be appended with a stamp at or before a minute ago")
}

func TestAsOfModelsDoNotKeepAFailure(t *testing.T) {
	var c asOfModels
	boom := errors.New("store unreachable")
	calls := countingBuild(&c, boom)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	_, err := c.get(context.Background(), nil, now.Add(-time.Hour), now)
	require.ErrorIs(t, err, boom)
	_, err = c.get(context.Background(), nil, now.Add(-time.Hour), now)
	require.ErrorIs(t, err, boom)
	require.Equal(t, 2, *calls)
}

func TestAsOfModelsBuildOnceForConcurrentAsks(t *testing.T) {
	var c asOfModels
	calls := countingBuild(&c, nil)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.get(context.Background(), nil, now.Add(-time.Hour), now)
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	require.Equal(t, 1, *calls)
}
