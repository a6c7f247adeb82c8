package pathway

import (
	"math"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/rtt"
)

// For random events of every type, Decode(Encode(e)) equals what encoding/json
// decodes from the same bytes, and each refuses exactly what the other refuses.
func TestPropertyDecodeMatchesReference(t *testing.T) {
	types := EventTypes()
	rapid.Check(t, func(t *rapid.T) {
		typ := rapid.SampledFrom(types).Draw(t, "type")
		ptr := referenceTypes[typ]()
		fill(t, reflect.ValueOf(ptr).Elem(), typ)
		gotType, data, err := Encode(deref(ptr))
		require.NoError(t, err)
		require.Equal(t, typ, gotType)
		want, wantErr := decodeReference(typ, SchemaVersion, data)
		got, err := Decode(typ, SchemaVersion, data)
		if wantErr != nil {
			require.Error(t, err, "%s", data)
			return
		}
		require.NoError(t, err, "%s", data)
		require.Equal(t, want, got, "%s", data)
	})
}

var (
	dateType     = reflect.TypeFor[rtt.Date]()
	priorityType = reflect.TypeFor[rtt.Priority]()
)

// fill sets every field of v to a random value of its type.
func fill(t *rapid.T, v reflect.Value, label string) {
	switch {
	case v.Type() == dateType:
		v.Set(reflect.ValueOf(drawDate(t, label)))
		return
	case v.Type() == priorityType:
		// Decide never records another priority; Decode refuses one (see codec_scan_test.go).
		v.SetString(string(rapid.SampledFrom(knownPriorities[:]).Draw(t, label)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(drawString(t, label))
	case reflect.Bool:
		v.SetBool(rapid.Bool().Draw(t, label))
	case reflect.Int:
		v.SetInt(int64(rapid.OneOf(rapid.IntRange(-1000, 1000), rapid.Int(),
			rapid.SampledFrom([]int{math.MinInt, math.MaxInt, 0})).Draw(t, label)))
	case reflect.Pointer:
		if rapid.Bool().Draw(t, label+" set") {
			p := reflect.New(v.Type().Elem())
			fill(t, p.Elem(), label)
			v.Set(p)
		}
	case reflect.Slice:
		switch n := rapid.IntRange(-1, 4).Draw(t, label+" length"); n {
		case -1: // nil, written as null
		default:
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := 0; i < n; i++ {
				fill(t, s.Index(i), label)
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(t, v.Field(i), label+"."+v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("%s: no generator for %s", label, v.Type())
	}
}

// drawDate is mostly a day rtt can write and read back (years 0000–9999), sometimes
// any day, whose text both decoders must refuse.
func drawDate(t *rapid.T, label string) rtt.Date {
	var epoch rtt.Date
	days := rapid.OneOf(
		rapid.IntRange(epoch.DaysUntil(rtt.MustParseDate("0000-01-01")), epoch.DaysUntil(rtt.MustParseDate("9999-12-31"))),
		rapid.IntRange(-20000, 30000),
		rapid.IntRange(math.MinInt32, math.MaxInt32),
	).Draw(t, label)
	return rtt.Date{}.AddDays(days)
}

// drawString mixes identifiers, any Unicode, the characters JSON escapes and
// arbitrary bytes (which Encode turns into U+FFFD).
func drawString(t *rapid.T, label string) string {
	return rapid.OneOf(
		rapid.SampledFrom([]string{"", "gp", "20", "outpatient_first", "9990000018", "83d6b132-b4f1-552a-af35-85b5a7889574"}),
		rapid.String(),
		rapid.StringOf(rapid.SampledFrom([]rune{'"', '\\', '/', '<', '>', '&', '\u2028', '\u2029', 0, '\x1f', '\x7f', 'é', '😀', '\ufffd', 'a'})),
		rapid.Custom(func(t *rapid.T) string { return string(rapid.SliceOf(rapid.Byte()).Draw(t, "bytes")) }),
	).Draw(t, label)
}
