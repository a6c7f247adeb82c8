package sqlite

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/eventstore"
	"github.com/pathway-ledger/ledger/eventstore/storetest"
)

func TestContract(t *testing.T) {
	dirs := map[eventstore.Store]string{}
	storetest.Run(t, storetest.Harness{
		Open: func(t *testing.T) eventstore.Store {
			dir := t.TempDir()
			s, err := Open(dir)
			require.NoError(t, err)
			dirs[s] = dir
			return s
		},
		Reopen: func(t *testing.T, old eventstore.Store) eventstore.Store {
			dir := dirs[old]
			require.NoError(t, old.Close())
			s, err := Open(dir)
			require.NoError(t, err)
			dirs[s] = dir
			return s
		},
	})
}
