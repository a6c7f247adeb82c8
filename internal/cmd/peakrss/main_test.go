package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRssAnon(t *testing.T) {
	status := []byte("Name:\tledger\nVmRSS:\t  2500000 kB\nRssAnon:\t  208312 kB\nRssFile:\t 2291688 kB\n")
	kb, ok := rssAnon(status)
	require.True(t, ok)
	require.Equal(t, 208312, kb, "RssAnon, not VmRSS or RssFile")
	_, ok = rssAnon([]byte("Name:\tzombie\nState:\tZ\n"))
	require.False(t, ok, "an exited process has no RssAnon line")
	_, ok = rssAnon([]byte("Name:\tx\nRssAnon:\tlots\n"))
	require.False(t, ok)
}
