package importer

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
)

// [DD] NHS Number: modulus 11, weights 10..2 over the first nine digits.
func TestValidNHSNumber(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"9434765919", true},  // the Data Dictionary's worked example
		{"4010232137", true},  // 92 mod 11 = 4, check 7
		{"9990000050", true},  // remainder 0 gives check 11, written 0
		{"9434765918", false}, // wrong check digit
		{"9434765910", false},
		{"9990000000", false}, // stem 999000000 has check 10: never issued
		{"9990000001", false},
		{"943476591", false},   // nine digits
		{"94347659190", false}, // eleven digits
		{"943 476 5919", false},
		{"94347659a9", false},
		{"", false},
		{"943476591\u0669", false}, // an Arabic-Indic nine is not an ASCII digit
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			assert.Equal(t, c.want, ValidNHSNumber(c.in))
		})
	}
}

func TestNHSCheckDigit(t *testing.T) {
	d, ok := NHSCheckDigit("943476591")
	require.True(t, ok)
	assert.Equal(t, 9, d)
	_, ok = NHSCheckDigit("999000000")
	assert.False(t, ok, "a check digit of 10 means the stem is never issued")
	_, ok = NHSCheckDigit("99900000")
	assert.False(t, ok)
	_, ok = NHSCheckDigit("99900000x")
	assert.False(t, ok)
}

func TestNormaliseNHSNumber(t *testing.T) {
	assert.Equal(t, "9434765919", normaliseNHSNumber("943 476 5919"))
	assert.Equal(t, "9434765919", normaliseNHSNumber("9434765919"))
	assert.Equal(t, "943-476-5919", normaliseNHSNumber("943-476-5919"))
	assert.Equal(t, "94 3476 5919", normaliseNHSNumber("94 3476 5919"))
}

// Modulus 11 with weights 2..10 detects every single-digit substitution: the change
// is delta*weight, never a multiple of 11.
func TestNHSNumberSingleDigitErrorsDetected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		stem := rapid.StringMatching(`[0-9]{9}`).Draw(t, "stem")
		check, ok := NHSCheckDigit(stem)
		if !ok {
			for d := 0; d <= 9; d++ {
				if ValidNHSNumber(stem + strconv.Itoa(d)) {
					t.Fatalf("stem %s has check 10 yet %d validates", stem, d)
				}
			}
			return
		}
		n := stem + strconv.Itoa(check)
		if !ValidNHSNumber(n) {
			t.Fatalf("%s built with its own check digit is refused", n)
		}
		pos := rapid.IntRange(0, 9).Draw(t, "pos")
		delta := rapid.IntRange(1, 9).Draw(t, "delta")
		b := []byte(n)
		b[pos] = byte('0' + (int(b[pos]-'0')+delta)%10)
		if ValidNHSNumber(string(b)) {
			t.Fatalf("%s differs from %s in one digit and still validates", b, n)
		}
	})
}

// The importer must accept exactly what the pathway aggregate accepts, or a row
// passing validation could be refused half-way through its import.
func TestValidNHSNumberAgreesWithAggregate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(rapid.StringMatching(`[0-9]{10}`), rapid.String()).Draw(t, "s")
		if ValidNHSNumber(s) != pathway.ValidNHSNumber(s) {
			t.Fatalf("importer and aggregate disagree on %q", s)
		}
	})
}

func FuzzValidNHSNumber(f *testing.F) {
	for _, s := range []string{"9434765919", "9990000000", "", "943 476 5919", "99900000500"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ValidNHSNumber(s)
		if got != pathway.ValidNHSNumber(s) {
			t.Fatalf("importer and aggregate disagree on %q", s)
		}
		if !got {
			return
		}
		sum := 0
		for i := 0; i < 9; i++ {
			sum += int(s[i]-'0') * (10 - i)
		}
		if (sum+int(s[9]-'0'))%11 != 0 {
			t.Fatalf("%q validates but digits weighted 10..1 do not sum to a multiple of 11", s)
		}
	})
}
