package kurrent

import (
	"fmt"
	"strings"
)

// schemes maps the store URL schemes this engine accepts to the client's: kurrentdb://
// and kurrentdb+discover:// are the product's current names for esdb:// and
// esdb+discover://, which are accepted as they are.
var schemes = []struct{ from, to string }{
	{"kurrentdb+discover://", "esdb+discover://"},
	{"kurrentdb://", "esdb://"},
	{"kurrent+discover://", "esdb+discover://"},
	{"kurrent://", "esdb://"},
	{"esdb+discover://", "esdb+discover://"},
	{"esdb://", "esdb://"},
}

// ConnectionString turns a store URL into the client's connection string. Hosts,
// credentials and query settings (tls=false, nodePreference=leader, ...) pass through.
func ConnectionString(url string) (string, error) {
	for _, p := range schemes {
		if len(url) < len(p.from) || !strings.EqualFold(url[:len(p.from)], p.from) {
			continue
		}
		rest := url[len(p.from):]
		if rest == "" || strings.HasPrefix(rest, "/") || strings.HasPrefix(rest, "?") {
			return "", fmt.Errorf("kurrent: store URL %q names no host", url)
		}
		return p.to + rest, nil
	}
	return "", fmt.Errorf("kurrent: store URL %q must start with kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover://", url)
}

// IsURL reports whether a store URL selects this engine.
func IsURL(url string) bool {
	_, err := ConnectionString(url)
	return err == nil
}
