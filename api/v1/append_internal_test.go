package v1

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/rtt"
)

// Every envelope leaves with its id: the Idempotency-Key's when one was sent,
// else its own UUIDv7, so that the state answered to the caller names the events
// the log holds.
func TestEnvelopesGiveEveryEventItsID(t *testing.T) {
	on := rtt.MustParseDate("2026-11-02")
	evs := []pathway.Event{
		pathway.ActivityRecorded{OccurredOn: on, Kind: "outpatient", RTTStatus: "20", Attendance: "attended"},
		pathway.ActivityRecorded{OccurredOn: on.AddDays(1), Kind: "outpatient", RTTStatus: "20", Attendance: "attended"},
	}
	for _, key := range []string{"", "retry-me-7"} {
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		if key != "" {
			req.Header.Set(api.HeaderIdempotencyKey, key)
		}
		c := echo.New().NewContext(req, httptest.NewRecorder())
		idem, err := api.IdempotencyFrom(c)
		require.NoError(t, err)
		data, err := envelopes(c, evs, pathway.Encode, pathway.SchemaVersion, "booking office call", idem)
		require.NoError(t, err)
		require.Len(t, data, 2)
		require.NotEqual(t, data[0].EventID, data[1].EventID)
		if key != "" {
			require.Equal(t, idem.EventIDs(2), []string{data[0].EventID, data[1].EventID}, "the key's ids")
		} else {
			for _, d := range data {
				u, err := uuid.Parse(d.EventID)
				require.NoError(t, err)
				require.Equal(t, uuid.Version(7), u.Version())
			}
		}
		require.Equal(t, "ActivityRecorded", data[1].Type)
		require.Equal(t, "2026-11-03", data[1].OccurredOn)
		require.Equal(t, "booking office call", data[1].Reason)
		require.Equal(t, pathway.SchemaVersion, data[1].SchemaVersion)
	}
}
