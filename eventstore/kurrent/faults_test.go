package kurrent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

func openFake(t *testing.T, f *fakeKurrent, opts ...Option) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := Open(ctx, f.url(), opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func tctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func batch(n int) []eventstore.EventData {
	out := make([]eventstore.EventData, n)
	for i := range out {
		out[i] = sentEvent(i)
	}
	return out
}

func streamName() string { return "pathway-" + uuid.NewString() }

// An append whose acknowledgement is lost is re-sent by the engine with the same ids
// at the same revision; the server recognises it and the events are stored once.
func TestAppendWhoseAckIsLostIsStoredOnce(t *testing.T) {
	for _, exp := range []eventstore.ExpectedVersion{eventstore.NoStream(), eventstore.Any()} {
		t.Run(exp.String(), func(t *testing.T) {
			f := startFake(t)
			s := openFake(t, f)
			st := streamName()
			f.mu.Lock()
			f.appendLoseAck = 1
			f.mu.Unlock()
			res, err := s.Append(tctx(t), st, exp, batch(2)...)
			require.NoError(t, err)
			got, err := s.ReadStream(tctx(t), st, 0, 0)
			require.NoError(t, err)
			require.Len(t, got, 2, "written once")
			require.Equal(t, eventstore.AppendResult{Version: 1, Position: got[1].Position}, res)
			require.Equal(t, 2, f.appends, "the first attempt and its re-send")
			require.True(t, eventstore.VerifyStream(got).OK)
		})
	}
}

func TestAppendRidesOutAnUnavailableNode(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	st := streamName()
	f.mu.Lock()
	f.appendFail = 3
	f.mu.Unlock()
	res, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(1)...)
	require.NoError(t, err)
	require.Equal(t, uint64(0), res.Version)
	require.Equal(t, 1, f.count(st))
	require.Equal(t, 4, f.appends)
}

// When the engine gives up with the outcome unknown, the caller's retry with the same
// events is answered with the original result, however the stream has moved since.
func TestCallerRetryAfterAnUnknownOutcome(t *testing.T) {
	for _, tc := range []struct {
		name  string
		exp   func(base int64) eventstore.ExpectedVersion
		later int
	}{
		{"exact, just after", func(b int64) eventstore.ExpectedVersion { return eventstore.Exact(uint64(b)) }, 1},
		{"exact, beyond the window", func(b int64) eventstore.ExpectedVersion { return eventstore.Exact(uint64(b)) }, window + 10},
		{"any, within the window", func(int64) eventstore.ExpectedVersion { return eventstore.Any() }, window - 5},
		{"stream exists", func(int64) eventstore.ExpectedVersion { return eventstore.StreamExists() }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t)
			s := openFake(t, f)
			st := streamName()
			_, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(1)...)
			require.NoError(t, err)
			s.retry.tries = 1
			f.mu.Lock()
			f.appendLoseAck = 1
			f.mu.Unlock()
			sent := batch(3)
			_, err = s.Append(tctx(t), st, tc.exp(0), sent...)
			require.ErrorIs(t, err, eventstore.ErrStorage, "outcome unknown to the engine")
			for i := 0; i < tc.later; i++ {
				_, err := s.Append(tctx(t), st, eventstore.Any(), sentEvent(i))
				require.NoError(t, err)
			}
			res, err := s.Append(tctx(t), st, tc.exp(0), sent...)
			require.NoError(t, err)
			got, err := s.ReadStream(tctx(t), st, 0, 0)
			require.NoError(t, err)
			require.Len(t, got, 1+3+tc.later, "no duplicate")
			require.Equal(t, eventstore.AppendResult{Version: 3, Position: got[3].Position}, res)

			changed := sent[1]
			changed.Reason = "something else"
			_, err = s.Append(tctx(t), st, tc.exp(0), sent[0], changed, sent[2])
			require.ErrorIs(t, err, eventstore.ErrIdempotencyConflict)
		})
	}
}

func TestReusedIDWithOtherContentConflicts(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	st := streamName()
	first := batch(2)
	_, err := s.Append(tctx(t), st, eventstore.NoStream(), first...)
	require.NoError(t, err)
	fresh := sentEvent(7)
	reused := first[1]
	reused.Data = json.RawMessage(`{"n":"other"}`)
	for _, exp := range []eventstore.ExpectedVersion{eventstore.Exact(1), eventstore.Any(), eventstore.StreamExists()} {
		_, err = s.Append(tctx(t), st, exp, fresh, reused)
		require.ErrorIs(t, err, eventstore.ErrIdempotencyConflict, exp.String())
	}
	// A batch that repeats a stored event in another place is no retry either.
	_, err = s.Append(tctx(t), st, eventstore.Exact(1), fresh, first[0])
	require.ErrorIs(t, err, eventstore.ErrIdempotencyConflict)
	require.Equal(t, 2, f.count(st), "nothing written")
}

func TestPositionIsReadBackWhenTheServerGivesNone(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	f.mu.Lock()
	f.noPosition = true
	f.mu.Unlock()
	st := streamName()
	res, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(2)...)
	require.NoError(t, err)
	got, err := s.ReadStream(tctx(t), st, 0, 0)
	require.NoError(t, err)
	require.NotZero(t, got[1].Position)
	require.Equal(t, got[1].Position, res.Position)
}

func TestReadRetriesAnUnavailableNode(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	st := streamName()
	_, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(2)...)
	require.NoError(t, err)
	f.mu.Lock()
	f.readFail = 3
	f.mu.Unlock()
	got, err := s.ReadStream(tctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 2)
	all, err := s.ReadAll(tctx(t), 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 2)
}

// The node goes away and comes back: reads and appends recover, whichever way the
// client saw the failure (conn_test.go covers the failures it does not recover from).
func TestCallsRecoverWhenTheNodeComesBack(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	st := streamName()
	_, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(1)...)
	require.NoError(t, err)
	f.stop()
	go func() {
		time.Sleep(700 * time.Millisecond)
		f.restart(t)
	}()
	got, err := s.ReadStream(tctx(t), st, 0, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	_, err = s.Append(tctx(t), st, eventstore.Exact(0), sentEvent(1))
	require.NoError(t, err)
}

func TestOpenWaitsForTheNodeToStart(t *testing.T) {
	f := startFake(t)
	f.stop()
	go func() {
		time.Sleep(700 * time.Millisecond)
		f.restart(t)
	}()
	s := openFake(t, f)
	_, err := s.Append(tctx(t), streamName(), eventstore.NoStream(), batch(1)...)
	require.NoError(t, err)
}

func TestOpenGivesUpWhenNobodyAnswers(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := lis.Addr().String()
	require.NoError(t, lis.Close())
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = Open(ctx, "kurrentdb://admin:secret@"+addr+"?tls=false")
	require.ErrorIs(t, err, eventstore.ErrStorage)
	require.NotContains(t, err.Error(), "secret")
	require.Less(t, time.Since(start), 10*time.Second)
}

func TestOpenRefusesABadURL(t *testing.T) {
	_, err := Open(context.Background(), "postgres://localhost")
	require.Error(t, err)
	_, err = Open(context.Background(), "kurrentdb://localhost:notaport")
	require.Error(t, err)
}

// A writer that expects a version the stream has not reached may be reading from a
// lagging follower: the engine reconnects once before answering the conflict.
func TestStreamBehindTheExpectationReconnectsBeforeRefusing(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	st := streamName()
	_, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(1)...)
	require.NoError(t, err)
	before := s.conn.cur
	_, err = s.Append(tctx(t), st, eventstore.Exact(4), sentEvent(1))
	var wrong *eventstore.WrongExpectedVersionError
	require.ErrorAs(t, err, &wrong)
	require.Equal(t, int64(0), wrong.Actual)
	require.NotSame(t, before, s.conn.cur)
}

// A node that lags behind the leader (where v4.2.0 stays after an election) shows an
// old end of the stream; the engine reconnects rather than answer from it.
func TestLaggingReadsAreNotTrusted(t *testing.T) {
	for _, tc := range []struct {
		name  string
		exp   eventstore.ExpectedVersion
		stale int
	}{
		{"exact: stream looks behind the writer", eventstore.Exact(1), 1},
		{"any: the leader keeps refusing what the reads show", eventstore.Any(), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t)
			s := openFake(t, f)
			st := streamName()
			_, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(2)...)
			require.NoError(t, err)
			before := s.conn.cur
			f.mu.Lock()
			f.staleReads = tc.stale
			f.mu.Unlock()
			res, err := s.Append(tctx(t), st, tc.exp, sentEvent(2))
			require.NoError(t, err)
			require.Equal(t, uint64(2), res.Version)
			require.NotSame(t, before, s.conn.cur, "reconnected")
			got, err := s.ReadStream(tctx(t), st, 0, 0)
			require.NoError(t, err)
			require.True(t, eventstore.VerifyStream(got).OK, "the chain did not fork")
		})
	}
}

func TestGlobalLogSkipsSystemAndForeignEvents(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	st := streamName()
	_, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(1)...)
	require.NoError(t, err)
	f.addRaw("orders-1", "OrderPlaced", []byte(`{"total":3}`), []byte(`{"$correlationId":"x"}`))
	f.addRaw("$ce-orders", "$>", []byte(`0@orders-1`), nil)
	f.addRaw("$$"+st, "$metadata", []byte(`{"$maxAge":1}`), nil)
	_, err = s.Append(tctx(t), st, eventstore.Exact(0), sentEvent(1))
	require.NoError(t, err)

	all, err := s.ReadAll(tctx(t), 0, 0)
	require.NoError(t, err)
	require.Len(t, all, 2)
	for _, e := range all {
		require.Equal(t, st, e.Stream)
	}
	one, err := s.ReadAll(tctx(t), all[0].Position, 1)
	require.NoError(t, err)
	require.Equal(t, all[1:], one, "a page of foreign records does not end the read early")

	sub, err := s.Subscribe(tctx(t), 0)
	require.NoError(t, err)
	defer sub.Close()
	for _, want := range all {
		got, err := sub.Recv(tctx(t))
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
}

func TestDamagedEnvelopeIsAnErrorNotASkip(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	st := streamName()
	f.addRaw(st, "ClockPaused", []byte(`{}`), []byte(`{"event_id":"x","hash":"h","recorded_at":"soon"}`))
	_, err := s.ReadStream(tctx(t), st, 0, 0)
	require.ErrorIs(t, err, eventstore.ErrStorage)
	_, err = s.ReadAll(tctx(t), 0, 0)
	require.ErrorIs(t, err, eventstore.ErrStorage)
	sub, err := s.Subscribe(tctx(t), 0)
	require.NoError(t, err)
	defer sub.Close()
	_, err = sub.Recv(tctx(t))
	require.ErrorIs(t, err, eventstore.ErrStorage)
	require.ErrorIs(t, err, errEnvelope)

	foreign := streamName()
	f.addRaw(foreign, "Imported", []byte(`{}`), nil)
	_, err = s.ReadStream(tctx(t), foreign, 0, 0)
	require.ErrorIs(t, err, errForeign, "a stream read never hides an event")
}

// The server drops subscriptions mid-stream; every event still arrives once, in order.
func TestSubscriptionResubscribesAfterServerDrops(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	start := f.next
	st := streamName()
	for i := 0; i < 20; i++ {
		_, err := s.Append(tctx(t), st, eventstore.Any(), sentEvent(i))
		require.NoError(t, err)
	}
	f.mu.Lock()
	f.subDrops = []int{3, 0, 5}
	f.mu.Unlock()
	sub, err := s.Subscribe(tctx(t), start-1)
	require.NoError(t, err)
	defer sub.Close()
	var last uint64
	for i := 0; i < 20; i++ {
		e, err := sub.Recv(tctx(t))
		require.NoError(t, err)
		require.Equal(t, uint64(i), e.StreamVersion)
		require.Greater(t, e.Position, last)
		last = e.Position
	}
	f.mu.Lock()
	opened := f.subscriptions
	f.mu.Unlock()
	require.Equal(t, 4, opened, "three drops, four subscriptions")
}

func TestDropsAreLoggedToTheGivenLogger(t *testing.T) {
	f := startFake(t)
	var buf syncBuffer
	s := openFake(t, f, WithLogger(slog.New(slog.NewJSONHandler(&buf, nil))))
	_, err := s.Append(tctx(t), streamName(), eventstore.NoStream(), batch(2)...)
	require.NoError(t, err)
	f.mu.Lock()
	f.subDrops = []int{1}
	f.mu.Unlock()
	sub, err := s.Subscribe(tctx(t), 0)
	require.NoError(t, err)
	defer sub.Close()
	for i := 0; i < 2; i++ {
		_, err := sub.Recv(tctx(t))
		require.NoError(t, err)
	}
	require.Contains(t, buf.String(), `"msg":"kurrent: $all subscription dropped; resubscribing"`)
	require.Contains(t, buf.String(), `"component":"kurrent"`)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestSubscriptionSurvivesANodeRestart(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	st := streamName()
	_, err := s.Append(tctx(t), st, eventstore.NoStream(), batch(2)...)
	require.NoError(t, err)
	sub, err := s.Subscribe(tctx(t), 0)
	require.NoError(t, err)
	defer sub.Close()
	for i := 0; i < 2; i++ {
		_, err := sub.Recv(tctx(t))
		require.NoError(t, err)
	}
	f.stop()
	time.Sleep(300 * time.Millisecond)
	f.restart(t)
	_, err = s.Append(tctx(t), st, eventstore.Exact(1), sentEvent(2))
	require.NoError(t, err)
	e, err := sub.Recv(tctx(t))
	require.NoError(t, err)
	require.Equal(t, uint64(2), e.StreamVersion)
}

func TestClosingTheStoreEndsSubscriptionsAndCalls(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	sub, err := s.Subscribe(tctx(t), 0)
	require.NoError(t, err)
	got := make(chan error, 1)
	go func() {
		_, err := sub.Recv(tctx(t))
		got <- err
	}()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, s.Close())
	select {
	case err := <-got:
		require.ErrorIs(t, err, eventstore.ErrClosed)
	case <-time.After(10 * time.Second):
		t.Fatal("Recv still blocked after Close")
	}
	_, err = s.Subscribe(tctx(t), 0)
	require.ErrorIs(t, err, eventstore.ErrClosed)
	_, err = s.ReadAll(tctx(t), 0, 1)
	require.ErrorIs(t, err, eventstore.ErrClosed)
}

// Renewing the client or closing the store while calls are in flight must neither
// panic (the v4.2.0 client panics if closed under a call) nor lose an acknowledged
// append.
func TestRenewAndCloseUnderLoad(t *testing.T) {
	f := startFake(t)
	s := openFake(t, f)
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := map[string]uint64{}
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			st := fmt.Sprintf("pathway-load-%d-%s", w, uuid.NewString())
			for i := 0; ; i++ {
				_, err := s.Append(context.Background(), st, eventstore.Any(), sentEvent(i))
				if errors.Is(err, eventstore.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("append: %v", err)
					return
				}
				mu.Lock()
				acked[st]++
				mu.Unlock()
			}
		}(w)
	}
	for i := 0; i < 20; i++ {
		time.Sleep(15 * time.Millisecond)
		s.conn.renewCurrent()
	}
	require.NoError(t, s.Close())
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, acked, 6)
	for st, n := range acked {
		require.GreaterOrEqual(t, f.count(st), int(n), "every acknowledged append is stored")
	}
}
