package importer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
)

// logOf is a log holding one event per stream: the stream's first.
type logOf map[string]string // stream -> first event's id

func (l logOf) ReadStream(_ context.Context, stream string, _ uint64, _ int) ([]eventstore.Event, error) {
	id, ok := l[stream]
	if !ok {
		return nil, eventstore.ErrStreamNotFound
	}
	return []eventstore.Event{{Stream: stream, EventID: id}}, nil
}

func (l logOf) ReadAll(context.Context, uint64, int) ([]eventstore.Event, error) { return nil, nil }

const (
	streamA       = "pathway-7b7c86c6-b7d9-540b-9822-016c9ff32fcd"
	streamB       = "pathway-0b7c86c6-b7d9-540b-9822-016c9ff32fcd"
	sessionStream = "session-7583cc7b-f270-5d28-8473-9c96b1f8be9a"
	idA           = "59edd35a-e5a9-5e3f-99be-8df0194a0c72"
)

func eventLine(stream, typ, id string) Record {
	return Record{Kind: KindEvent, Stream: stream, Event: &Envelope{EventID: id, Type: typ}}
}

func TestOpeningsInTheFile(t *testing.T) {
	o := NewOpenings()
	o.Observe(1, eventLine(streamA, "ReferralReceived", idA))
	o.Observe(2, eventLine(streamA, "ActivityRecorded", "5081a61a-180d-51c5-87d1-08258f5a36d5"))
	o.Observe(3, eventLine(streamA, "ReferralReceived", "6081a61a-180d-51c5-87d1-08258f5a36d5"))
	o.Observe(4, eventLine(streamB, "ClockStopped", "7081a61a-180d-51c5-87d1-08258f5a36d5"))
	o.Observe(5, eventLine(streamB, "ReferralReceived", "8081a61a-180d-51c5-87d1-08258f5a36d5"))
	o.Observe(6, eventLine(sessionStream, "PatientScheduled", "9081a61a-180d-51c5-87d1-08258f5a36d5"))
	got, err := o.Refusals(context.Background(), logOf{}, 0, false)
	require.NoError(t, err)
	require.Equal(t, []string{"3 opened_twice", "4 stream_not_opened", "5 opening_not_first", "6 stream_not_opened"}, lineRules(got))
	require.Contains(t, got[0].Detail, "already opened on line 1")
	require.Contains(t, got[3].Detail, "SessionPlanned")

	commands, err := o.Refusals(context.Background(), logOf{}, 0, true)
	require.NoError(t, err)
	require.Equal(t, []string{"3 opened_twice", "5 opening_not_first"}, lineRules(commands),
		"a file with commands may open streams by command: only the order within the file is checked")
}

func TestOpeningsAgainstTheLog(t *testing.T) {
	o := NewOpenings()
	o.Observe(1, eventLine(streamA, "ReferralReceived", idA))
	o.Observe(2, eventLine(streamB, "ActivityRecorded", "5081a61a-180d-51c5-87d1-08258f5a36d5"))
	o.Observe(3, eventLine(sessionStream, "SessionPlanned", "6081a61a-180d-51c5-87d1-08258f5a36d5"))
	ctx := context.Background()

	rerun, err := o.Refusals(ctx, logOf{streamA: strings.ToUpper(idA), streamB: "x", sessionStream: "6081a61a-180d-51c5-87d1-08258f5a36d5"}, 9, false)
	require.NoError(t, err)
	require.Empty(t, rerun, "a re-run finds its own openings, and B continues a stream the log holds")

	clash, err := o.Refusals(ctx, logOf{streamA: "another", streamB: "x"}, 9, false)
	require.NoError(t, err)
	require.Equal(t, []string{"1 stream_opened_elsewhere"}, lineRules(clash))

	orphan, err := o.Refusals(ctx, logOf{streamA: idA}, 9, false)
	require.NoError(t, err)
	require.Equal(t, []string{"2 stream_not_opened"}, lineRules(orphan))
}

func lineRules(rs []Refusal) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%d %s", r.Line, r.Rule))
	}
	return out
}
