package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
	"github.com/pathway-ledger/ledger/rtt"
)

type declineBody struct {
	DeclinedOn rtt.Date `json:"declined_on" required:"true"`
	Reason     string   `json:"reason"`
}

// A command route as route files write it: bind strictly, honour If-Match, decide
// and append at the loaded version (retried once on a concurrent write), with event
// ids derived from Idempotency-Key and the caller as actor; answer with ETag and
// Ledger-Position.
func declineOffer(store eventstore.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		var body declineBody
		if err := api.Bind(c, &body); err != nil {
			return err
		}
		expected, err := api.IfMatch(c)
		if err != nil {
			return err
		}
		idem, err := api.IdempotencyFrom(c)
		if err != nil {
			return err
		}
		stream := "pathway-" + c.Param("id")
		var res eventstore.AppendResult
		err = api.RetryConflict(c, func() error {
			history, err := store.ReadStream(c.Request().Context(), stream, 0, 0)
			if errors.Is(err, eventstore.ErrStreamNotFound) {
				return api.NotFound("pathway")
			}
			if err != nil {
				return err
			}
			loaded := history[len(history)-1].StreamVersion
			if err := api.CheckVersion(stream, expected, int64(loaded)); err != nil {
				return err
			}
			data, _ := json.Marshal(map[string]any{"offer_id": c.Param("offer_id"), "reason": body.Reason})
			events := []eventstore.EventData{{Type: "OfferDeclined", SchemaVersion: 1,
				OccurredOn: body.DeclinedOn.String(), Actor: api.ActorFrom(c),
				CorrelationID: api.RequestID(c), Data: data}}
			idem.Stamp(events)
			res, err = store.Append(c.Request().Context(), stream, eventstore.Exact(loaded), events...)
			if err != nil {
				return err
			}
			api.Appended(c, stream, len(events), res)
			return nil
		})
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"stream_version": res.Version})
	}
}

func ExampleServer_Group() {
	dir, _ := os.MkdirTemp("", "ledger-example")
	defer os.RemoveAll(dir)
	store, _ := sqlite.Open(dir)
	defer store.Close()
	_, _ = store.Append(context.Background(), "pathway-7", eventstore.NoStream(), eventstore.EventData{
		Type: "ReferralReceived", SchemaVersion: 1, OccurredOn: "2025-01-06",
		Actor: eventstore.Actor{User: "pas", Role: "booking"}, Data: []byte(`{}`)})

	srv, _ := api.New(api.Options{Store: store, AdminToken: "example-admin-token-0123"})
	srv.Group("/pathways", api.CommandRoles).POST("/:id/offers/:offer_id/decline", declineOffer(store))

	post := func(key, body, ifMatch string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/pathways/7/offers/o1/decline", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer example-admin-token-0123")
		req.Header.Set("Idempotency-Key", key)
		if ifMatch != "" {
			req.Header.Set("If-Match", ifMatch)
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code >= 400 {
			var p api.Problem
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			fmt.Println(rec.Code, p.Type, p.Errors)
			return
		}
		fmt.Println(rec.Code, rec.Header().Get("ETag"), rec.Header().Get("Ledger-Position"), strings.TrimSpace(rec.Body.String()))
	}
	post("k1", `{"declined_on": "2025-02-03", "reason": "holiday"}`, `"0"`)
	post("k1", `{"declined_on": "2025-02-03", "reason": "holiday"}`, `"0"`) // a retry: the same answer
	post("k1", `{"declined_on": "2025-02-04"}`, `"0"`)                      // the key reused for another body
	post("k2", `{"declined_on": "2025-02-30"}`, "")
	post("k3", `{"declined_on": "2025-02-05"}`, `"0"`) // a stale version
	// Output:
	// 200 "1" 2 {"stream_version":1}
	// 200 "1" 2 {"stream_version":1}
	// 409 urn:pathway-ledger:problem:idempotency-key-reused []
	// 400 urn:pathway-ledger:problem:malformed-request [{declined_on must be a date YYYY-MM-DD}]
	// 409 urn:pathway-ledger:problem:version-conflict []
}
