package memstore

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/storetest"
)

// The fake is only worth testing against if it keeps the engines' contract.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Harness{Open: func(*testing.T) eventstore.Store { return New() }})
}

func TestContractWithPositionGaps(t *testing.T) {
	storetest.Run(t, storetest.Harness{Open: func(*testing.T) eventstore.Store { return New(WithPositionStep(7)) }})
}

func data(n int) eventstore.EventData {
	return eventstore.EventData{Type: "T", SchemaVersion: 1, OccurredOn: "2025-01-06",
		Data: json.RawMessage(`{"n":` + string(rune('0'+n%10)) + `}`)}
}

func TestPositionsStepAndHead(t *testing.T) {
	s := New(WithPositionStep(5))
	ctx := context.Background()
	head, err := s.HeadPosition(ctx)
	require.NoError(t, err)
	require.Zero(t, head)
	res, err := s.Append(ctx, "a", eventstore.NoStream(), data(1), data(2), data(3))
	require.NoError(t, err)
	require.Equal(t, eventstore.AppendResult{Version: 2, Position: 15}, res)
	head, err = s.HeadPosition(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(15), head)
	evs, err := s.ReadAll(ctx, 5, 0)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	require.Equal(t, []uint64{10, 15}, []uint64{evs[0].Position, evs[1].Position})
	evs, err = s.ReadAll(ctx, 7, 1)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, uint64(10), evs[0].Position, "after is exclusive and need not be a real position")
}

func TestReadAllReturnsACopy(t *testing.T) {
	s := New()
	ctx := context.Background()
	_, err := s.Append(ctx, "a", eventstore.Any(), data(1))
	require.NoError(t, err)
	evs, err := s.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	evs[0].Type = "changed"
	again, err := s.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	require.Equal(t, "T", again[0].Type)
}

func TestDropSubscriptionsWakesABlockedRecv(t *testing.T) {
	s := New()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub, err := s.Subscribe(ctx, 0)
	require.NoError(t, err)
	defer sub.Close()
	errc := make(chan error, 1)
	go func() { _, err := sub.Recv(ctx); errc <- err }()
	time.Sleep(10 * time.Millisecond)
	s.DropSubscriptions()
	require.ErrorIs(t, <-errc, ErrDropped)

	fresh, err := s.Subscribe(ctx, 0)
	require.NoError(t, err)
	defer fresh.Close()
	_, err = s.Append(ctx, "a", eventstore.Any(), data(1))
	require.NoError(t, err)
	ev, err := fresh.Recv(ctx)
	require.NoError(t, err, "a subscription opened after the drop works")
	require.Equal(t, uint64(1), ev.Position)
}

func TestFailReads(t *testing.T) {
	s := New()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.Append(ctx, "a", eventstore.Any(), data(1))
	require.NoError(t, err)
	boom := errors.New("disk on fire")
	s.FailReads(boom)
	_, err = s.ReadAll(ctx, 0, 0)
	require.ErrorIs(t, err, boom)
	sub, err := s.Subscribe(ctx, 0)
	require.NoError(t, err)
	_, err = sub.Recv(ctx)
	require.ErrorIs(t, err, boom)
	s.FailReads(nil)
	evs, err := s.ReadAll(ctx, 0, 0)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	require.Equal(t, uint64(1), s.Reads(), "failed reads are not counted")
}
