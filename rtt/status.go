package rtt

// StatusCode is a two-digit RTT period status [DD Referral To Treatment Period Status].
type StatusCode string

// Effect is what a status does to the RTT period it is recorded on.
type Effect int

const (
	EffectStart Effect = iota + 1
	EffectContinue
	EffectTransfer
	EffectStop
	EffectNullify
	EffectNotRTT
)

func (e Effect) String() string {
	switch e {
	case EffectStart:
		return "start"
	case EffectContinue:
		return "continue"
	case EffectTransfer:
		return "transfer"
	case EffectStop:
		return "stop"
	case EffectNullify:
		return "nullify"
	case EffectNotRTT:
		return "not_rtt"
	}
	return "unknown"
}

// Status is one row of the national status table (RTT.md §4).
type Status struct {
	Code    StatusCode
	Meaning string
	Effect  Effect
}

var statuses = []Status{
	{"10", "first activity of a period", EffectStart},
	{"11", "first activity after active monitoring ends", EffectStart},
	{"12", "consultant referral for a separate condition", EffectStart},
	{"20", "subsequent activity, more expected", EffectContinue},
	{"21", "transfer to another provider", EffectTransfer},
	{"30", "first definitive treatment", EffectStop},
	{"31", "active monitoring, patient-initiated", EffectStop},
	{"32", "active monitoring, clinician-initiated", EffectStop},
	{"33", "did not attend the first activity", EffectNullify},
	{"34", "decision not to treat, no further contact or transplant list", EffectStop},
	{"35", "patient declined treatment", EffectStop},
	{"36", "patient died before treatment", EffectStop},
	{"90", "after first treatment", EffectNotRTT},
	{"91", "activity during active monitoring", EffectNotRTT},
	{"92", "not yet referred", EffectNotRTT},
	{"98", "not applicable to RTT", EffectNotRTT},
	{"99", "not yet known", EffectNotRTT},
}

var statusByCode = func() map[StatusCode]Status {
	m := make(map[StatusCode]Status, len(statuses))
	for _, s := range statuses {
		m[s.Code] = s
	}
	return m
}()

// LookupStatus finds a national status code; unknown codes are refused.
func LookupStatus(code string) (Status, bool) {
	s, ok := statusByCode[StatusCode(code)]
	return s, ok
}

// AllStatuses returns the table in code order.
func AllStatuses() []Status { return append([]Status(nil), statuses...) }
