package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/aggregates/session"
	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/api/openapi"
	"github.com/pathway-ledger/ledger/api/tokens"
	"github.com/pathway-ledger/ledger/eventstore/sqlite"
)

// The server ledger serve runs has exactly the routes of the OpenAPI document.
func TestServedRoutesAreTheDocumentedOnes(t *testing.T) {
	dir := t.TempDir()
	store, err := sqlite.Open(dir)
	require.NoError(t, err)
	defer store.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	models, err := startReadModels(ctx, store, dir, log)
	require.NoError(t, err)
	defer models.runner.Close()
	toks, err := tokens.Open(dir)
	require.NoError(t, err)
	srv, err := newServer(store, toks, models, session.MilestonePolicy{}, log, api.Options{})
	require.NoError(t, err)
	routes := openapi.EchoRoutes(srv.Echo().Routes())
	openapi.CheckRoutes(t, routes)
}
