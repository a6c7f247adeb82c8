package openapi

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestToJSONRefusesWhatJSONCannotSayFaithfully(t *testing.T) {
	cases := []struct {
		name, yaml, wantErr string
	}{
		{"unquoted date", "a:\n  b: 2025-01-02\n", "/a/b: value 2025-01-02 00:00:00 +0000 UTC is a YAML time.Time; quote it"},
		{"unquoted response code", "responses:\n  200: {}\n", "/responses: key 200 is a int; quote it"},
		{"malformed yaml", "a: [\n", "openapi.yaml: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := toJSON([]byte(c.yaml))
			require.Error(t, err)
			require.Contains(t, err.Error(), c.wantErr)
		})
	}
}

func TestToJSONKeepsScalarsAndSortsKeys(t *testing.T) {
	got, err := toJSON([]byte("z: 1\na: [x, '2025-01-02', true, 1.5, 'null', ~]\nm: &m {k: v}\nn:\n  <<: *m\n  j: w\n"))
	require.NoError(t, err)
	require.Equal(t, `{
  "a": [
    "x",
    "2025-01-02",
    true,
    1.5,
    "null",
    null
  ],
  "m": {
    "k": "v"
  },
  "n": {
    "j": "w",
    "k": "v"
  },
  "z": 1
}
`, string(got))
}
