package v1

import (
	"errors"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/rtt"
)

// envelopes wraps a command's decided events for the log: the caller as actor, the
// request as correlation, the reason, and an id each, the Idempotency-Key's when
// one was sent, else a fresh UUIDv7 given here rather than by the store, so that the
// state answered to the caller carries the ids the log holds.
func envelopes[E interface{ On() rtt.Date }](c echo.Context, evs []E, encode func(E) (string, []byte, error),
	schema int, reason string, idem api.Idempotency) ([]eventstore.EventData, error) {
	data := make([]eventstore.EventData, len(evs))
	for i, e := range evs {
		typ, raw, err := encode(e)
		if err != nil {
			return nil, err
		}
		data[i] = eventstore.EventData{Type: typ, SchemaVersion: schema, OccurredOn: e.On().String(),
			Actor: api.ActorFrom(c), CorrelationID: api.RequestID(c), Reason: reason, Data: raw}
	}
	idem.Stamp(data)
	for i := range data {
		if data[i].EventID == "" {
			id, err := uuid.NewV7()
			if err != nil {
				return nil, err
			}
			data[i].EventID = id.String()
		}
	}
	return data, nil
}

// appendEnvelopes appends data to the stream at version and sets the response's
// ETag and Ledger-Position; a create that finds the stream already there is a
// duplicate (409) of what it would have created.
func (d *Deps) appendEnvelopes(c echo.Context, stream string, version eventstore.ExpectedVersion, create bool,
	duplicate string, data []eventstore.EventData) (eventstore.AppendResult, error) {
	res, err := d.Store.Append(c.Request().Context(), stream, version, data...)
	if errors.Is(err, eventstore.ErrWrongExpectedVersion) && create {
		return res, api.Duplicate(duplicate)
	}
	if err != nil {
		return res, err
	}
	api.Appended(c, stream, len(data), res)
	return res, nil
}
