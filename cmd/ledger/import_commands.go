package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/pathway-ledger/ledger/api"
	v1 "github.com/pathway-ledger/ledger/api/v1"
	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/importer"
)

// commandRunner applies NDJSON command lines through the v1 API in process: a command
// from a file meets exactly the body checks and domain rules a REST client's does,
// answers the same problems, and is made idempotent the same way (its Idempotency-Key
// is derived from route and body, so a re-run of the file writes nothing twice).
// Events are recorded with the admin actor and correlation id import-line-<n>.
type commandRunner struct {
	h     http.Handler
	token string
}

func newCommandRunner(store eventstore.Store) (*commandRunner, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	token := hex.EncodeToString(b[:])
	log := slog.New(slog.DiscardHandler)
	srv, err := api.New(api.Options{Store: store, AdminToken: token, Logger: log})
	if err != nil {
		return nil, err
	}
	v1.Register(srv, &v1.Deps{Store: store, Logger: log})
	return &commandRunner{h: srv.Handler(), token: token}, nil
}

// run posts one command. A refusal by the API comes back as the line's refusals;
// err is for failures that are not the line's fault (the store).
func (r *commandRunner) run(ctx context.Context, line int, rec importer.Record) ([]importer.Refusal, error) {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, rec.Route, bytes.NewReader(rec.Body))
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.HeaderIdempotencyKey, rec.CommandKey())
	req.Header.Set(api.HeaderRequestID, fmt.Sprintf("import-line-%d", line))
	w := httptest.NewRecorder()
	r.h.ServeHTTP(w, req)
	if w.Code < 300 {
		return nil, nil
	}
	var p api.Problem
	_ = json.Unmarshal(w.Body.Bytes(), &p)
	if w.Code >= 500 {
		return nil, fmt.Errorf("line %d: POST %s: %d %s: %s", line, rec.Route, w.Code, p.Title, p.Detail)
	}
	rule := p.Rule
	if rule == "" {
		rule = fmt.Sprintf("http_%d", w.Code)
	}
	if len(p.Errors) == 0 {
		return []importer.Refusal{{Line: line, Field: "body", Rule: rule, Detail: p.Detail}}, nil
	}
	out := make([]importer.Refusal, 0, len(p.Errors))
	for _, e := range p.Errors {
		out = append(out, importer.Refusal{Line: line, Field: "body." + e.Field, Rule: rule, Detail: e.Detail})
	}
	return out, nil
}
