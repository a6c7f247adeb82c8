package generator

import "strconv"

// NHSNumber returns the n-th valid NHS number in the range reserved for testing
// (999 000 0000 – 999 999 9999): the check digit is modulus 11 of the first nine
// digits weighted 10 down to 2, and numbers whose check would be 10 are skipped.
func NHSNumber(n int) string {
	for k := n * 11 / 10; ; k++ {
		base := 999_000_000 + k%1_000_000
		digits := strconv.Itoa(base)
		sum := 0
		for i := 0; i < 9; i++ {
			sum += int(digits[i]-'0') * (10 - i)
		}
		check := 11 - sum%11
		if check == 11 {
			check = 0
		}
		if check == 10 {
			continue
		}
		return digits + strconv.Itoa(check)
	}
}
