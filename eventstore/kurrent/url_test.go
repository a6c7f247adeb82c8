package kurrent

import (
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/stretchr/testify/require"
)

func TestConnectionStringMapsEveryScheme(t *testing.T) {
	cases := []struct{ in, want string }{
		{"kurrentdb://localhost:2113?tls=false", "esdb://localhost:2113?tls=false"},
		{"KurrentDB://localhost:2113?tls=false", "esdb://localhost:2113?tls=false"},
		{"kurrentdb+discover://cluster.nhs.example:2113", "esdb+discover://cluster.nhs.example:2113"},
		{"kurrentdb://a:2113,b:2113,c:2113?nodePreference=leader", "esdb://a:2113,b:2113,c:2113?nodePreference=leader"},
		{"kurrent://localhost:2113", "esdb://localhost:2113"},
		{"esdb://admin:changeit@localhost:2113", "esdb://admin:changeit@localhost:2113"},
		{"esdb+discover://cluster.example:2113?tls=true", "esdb+discover://cluster.example:2113?tls=true"},
	}
	for _, c := range cases {
		got, err := ConnectionString(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
		require.True(t, IsURL(c.in))
		_, err = esdb.ParseConnectionString(got)
		require.NoError(t, err, "the client accepts %s", got)
	}
}

func TestConnectionStringRefusesOtherURLs(t *testing.T) {
	for _, bad := range []string{"", "./data", "postgres://x", "kurrentdb://", "esdb://?tls=false", "esdb:///x", "http://localhost:2113", "esdb:/x"} {
		_, err := ConnectionString(bad)
		require.Error(t, err, bad)
		require.False(t, IsURL(bad), bad)
	}
}

func TestRedactHidesCredentials(t *testing.T) {
	require.Equal(t, "esdb://***@db:2113?tls=true", redact("esdb://admin:changeit@db:2113?tls=true"))
	require.Equal(t, "esdb://db:2113?tls=false", redact("esdb://db:2113?tls=false"))
	require.Equal(t, "esdb://***@a:2113,b:2113", redact("esdb://ops:p@ss@a:2113,b:2113"))
}
