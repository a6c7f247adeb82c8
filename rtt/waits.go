package rtt

import "strconv"

// Bands is the number of published week bands: 0-1 … 103-104 and 104+.
const Bands = 105

// StandardDays is the 18-week standard in days: a wait of 126 days is still within it
// (RTT.md §3).
const StandardDays = 126

// WaitDays is the RTT wait from clock start to end (the stop or census date) in
// calendar days; same-day start and stop is 0 [RR25 10.1.7]. Nothing is ever
// subtracted: the national clock has had no pauses since 1 Oct 2015 (RTT.md §2).
func WaitDays(start, end Date) int {
	if end.Before(start) {
		return 0
	}
	return DaysBetween(start, end)
}

// WeekBand returns the published band index of a wait: "0-1" holds 0–7 days, "1-2"
// 8–14, …, "104+" from 729 days; index k = max(0, ceil(days/7) − 1) (RTT.md §3).
func WeekBand(days int) int {
	if days <= 7 {
		return 0
	}
	k := (days+6)/7 - 1
	if k > Bands-1 {
		return Bands - 1
	}
	return k
}

// WeekBandLabel returns the published label of band k: "0-1" … "103-104", "104+".
func WeekBandLabel(k int) string {
	if k >= Bands-1 {
		return "104+"
	}
	if k < 0 {
		k = 0
	}
	return strconv.Itoa(k) + "-" + strconv.Itoa(k+1)
}

// WithinStandard reports whether a wait is within 18 weeks (≤ 126 days).
func WithinStandard(days int) bool { return days <= StandardDays }

// BreachDate is the first day over 18 weeks: start + 127 days (RTT.md §3).
func BreachDate(start Date) Date { return start.AddDays(StandardDays + 1) }

// Over reports whether a wait is over the given number of weeks: over 52 weeks from
// 365 days, 65 from 456, 78 from 547, 104 from 729 (RTT.md §3).
func Over(days, weeks int) bool { return days >= weeks*7+1 }

// ThresholdDate is the first day a clock started on start is over the given weeks.
func ThresholdDate(start Date, weeks int) Date { return start.AddDays(weeks*7 + 1) }

// WaitAsAt is the wait as at a date of a clock started on start and stopped on
// stoppedOn (nil while it runs): it grows by one a day until the stop, then stays
// frozen at the stopped wait (RTT.md §3). Nothing is ever subtracted (RTT.md §2).
func WaitAsAt(start Date, stoppedOn *Date, on Date) int {
	if stoppedOn != nil && stoppedOn.Before(on) {
		on = *stoppedOn
	}
	return WaitDays(start, on)
}
