package kurrent

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/storetest"
)

const urlEnv = "LEDGER_TEST_KURRENTDB_URL"

// harness opens the engine on url; Reopen closes the client and connects again.
func harness(url string) storetest.Harness {
	open := func(t *testing.T) eventstore.Store {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := Open(ctx, url)
		require.NoError(t, err)
		return s
	}
	return storetest.Harness{
		Open: open,
		Reopen: func(t *testing.T, old eventstore.Store) eventstore.Store {
			require.NoError(t, old.Close())
			return open(t)
		},
		NoGlobalIDIndex: true,
	}
}

// TestContract runs the engine-independent suite against a real KurrentDB server.
func TestContract(t *testing.T) {
	url := os.Getenv(urlEnv)
	if url == "" {
		t.Skip("set LEDGER_TEST_KURRENTDB_URL (e.g. kurrentdb://localhost:2113?tls=false, see docker-compose.yml) to run the contract suite against KurrentDB; no KurrentDB server can run on CI machines")
	}
	storetest.Run(t, harness(url))
}

// TestContractOnFakeNode runs the same suite through the real client against the
// in-process fake node: it checks the engine's logic, not KurrentDB.
func TestContractOnFakeNode(t *testing.T) {
	f := startFake(t)
	storetest.Run(t, harness(f.url()))
}
