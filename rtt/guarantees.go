package rtt

// TwentyEightDayDeadline: after a hospital cancels an operation for non-clinical
// reasons on the day, the patient must be treated within 28 days (RTT.md §6).
func TwentyEightDayDeadline(cancelledOn Date) Date { return cancelledOn.AddDays(28) }

// CancerFDSDue: the 28-day Faster Diagnosis Standard from referral (RTT.md §5).
func CancerFDSDue(referral Date) Date { return referral.AddDays(28) }

// Cancer62DayDue: referral to first definitive treatment within 62 days.
func Cancer62DayDue(referral Date) Date { return referral.AddDays(62) }

// Cancer31DayDue: decision to treat to first treatment within 31 days.
func Cancer31DayDue(decisionToTreat Date) Date { return decisionToTreat.AddDays(31) }

// DM01Due: a diagnostic test within 6 weeks (42 days) of the request.
func DM01Due(request Date) Date { return request.AddDays(42) }
