package importer

// ValidNHSNumber checks an NHS number as the NHS Data Dictionary defines it: ten
// digits, the tenth being the modulus 11 check digit of the first nine weighted 10
// down to 2. A remainder that would give a check digit of 10 is never issued, so such
// a number is invalid. Spaces (the 3-3-4 display form) must be removed first: see
// normaliseNHSNumber.
func ValidNHSNumber(s string) bool {
	if len(s) != 10 {
		return false
	}
	check, ok := NHSCheckDigit(s[:9])
	return ok && s[9] == byte('0'+check)
}

// NHSCheckDigit computes the modulus 11 check digit for the first nine digits of an
// NHS number. ok is false when first9 is not nine digits or the check would be 10
// (no number with that stem is valid).
func NHSCheckDigit(first9 string) (digit int, ok bool) {
	if len(first9) != 9 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := first9[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return check, true
}

// normaliseNHSNumber accepts the 10 digits alone or in the 3-3-4 display form with
// single spaces ("999 123 4567"); anything else is returned unchanged for
// ValidNHSNumber to refuse.
func normaliseNHSNumber(s string) string {
	if len(s) == 12 && s[3] == ' ' && s[7] == ' ' {
		return s[:3] + s[4:7] + s[8:]
	}
	return s
}
