package api

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzHeaderDecoders drives the decoders of request headers: If-Match, the
// Idempotency-Key and the Authorization bearer.
func FuzzHeaderDecoders(f *testing.F) {
	for _, s := range []string{`"3"`, `*`, `W/"3"`, `"1", "2"`, `"03"`, `Bearer plt_abc`, `bearer  x`, `"key-1"`, ``, "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		exp, present, err := ParseIfMatch(v)
		if err == nil && present {
			if n, ok := exp.ExactVersion(); ok {
				again, _, err := ParseIfMatch(formatETag(n))
				require.NoError(t, err)
				require.Equal(t, exp, again, "an accepted If-Match is the ETag of its version")
			} else {
				require.True(t, exp.IsStreamExists())
			}
		}
		if key, ok := parseIdempotencyKey(v); ok {
			require.True(t, len(key) >= 1 && len(key) <= maxIdempotencyKey)
			require.NotContains(t, key, `"`)
		}
		if tok, ok := bearer(v); ok {
			require.NotEmpty(t, tok)
			require.False(t, strings.ContainsAny(tok, " \t"))
		}
	})
}
