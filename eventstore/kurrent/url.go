// Package kurrent is the KurrentDB engine of the event log, for trusts that outgrow
// one machine: the log lives in a replicated KurrentDB cluster and any number of
// ledger nodes append to it and subscribe to it.
package kurrent

import (
	"fmt"
	"strings"
)

// ConnectionString turns a store URL into the client's connection string:
// kurrentdb:// and kurrentdb+discover:// are the product's new names for esdb:// and
// esdb+discover://, which are accepted as they are.
func ConnectionString(url string) (string, error) {
	for _, p := range []struct{ from, to string }{
		{"kurrentdb+discover://", "esdb+discover://"},
		{"kurrentdb://", "esdb://"},
		{"kurrent+discover://", "esdb+discover://"},
		{"kurrent://", "esdb://"},
		{"esdb+discover://", "esdb+discover://"},
		{"esdb://", "esdb://"},
	} {
		if strings.HasPrefix(url, p.from) {
			rest := url[len(p.from):]
			if rest == "" || strings.HasPrefix(rest, "/") || strings.HasPrefix(rest, "?") {
				return "", fmt.Errorf("kurrent: store URL %q names no host", url)
			}
			return p.to + rest, nil
		}
	}
	return "", fmt.Errorf("kurrent: store URL %q must start with kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover://", url)
}

// IsURL reports whether a store URL selects this engine.
func IsURL(url string) bool {
	_, err := ConnectionString(url)
	return err == nil
}
