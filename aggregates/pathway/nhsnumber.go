package pathway

// ValidNHSNumber checks an NHS number: ten digits whose last is the modulus 11 check
// digit of the first nine weighted 10 down to 2 (NHS Data Dictionary); a remainder
// giving 10 is never issued.
func ValidNHSNumber(s string) bool {
	if len(s) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if i < 9 {
			sum += int(s[i]-'0') * (10 - i)
		}
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(s[9]-'0')
}
