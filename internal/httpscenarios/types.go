package httpscenarios

// The answers as a client reads them: only the fields the scenarios assert on.

// Period is API.md's Period.
type Period struct {
	StartedOn                 string  `json:"started_on"`
	StartStatus               string  `json:"start_status"`
	Clock                     string  `json:"clock"`
	StoppedOn                 *string `json:"stopped_on"`
	StopStatus                *string `json:"stop_status"`
	WaitDays                  int     `json:"wait_days"`
	WeekBand                  string  `json:"week_band"`
	Within18Weeks             bool    `json:"within_18_weeks"`
	BreachOn                  string  `json:"breach_on"`
	PatientInitiatedDelayDays int     `json:"patient_initiated_delay_days"`
}

// Finding is API.md's Finding.
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	RaisedOn string `json:"raised_on"`
	Resolved bool   `json:"resolved"`
}

// Booking is one of a Pathway's bookings.
type Booking struct {
	BookingID              string  `json:"booking_id"`
	AdmissionOn            string  `json:"admission_on"`
	Status                 string  `json:"status"`
	CancelledBy            *string `json:"cancelled_by"`
	TwentyEightDayDeadline *string `json:"twenty_eight_day_deadline"`
	TwentyEightDayBreached bool    `json:"twenty_eight_day_breached"`
}

// Offer is one of a Pathway's offers.
type Offer struct {
	OfferID       string `json:"offer_id"`
	AppointmentOn string `json:"appointment_on"`
	Reasonable    bool   `json:"reasonable"`
	Status        string `json:"status"`
}

// Pathway is API.md's Pathway.
type Pathway struct {
	PathwayID     string   `json:"pathway_id"`
	StreamVersion int64    `json:"stream_version"`
	SpecialtyCode string   `json:"specialty_code"`
	Periods       []Period `json:"periods"`
	CurrentPeriod *Period  `json:"current_period"`
	WaitingList   *struct {
		ListType      string  `json:"list_type"`
		Priority      string  `json:"priority"`
		DecidedOn     string  `json:"decided_on"`
		PriorityDueOn *string `json:"priority_due_on"`
	} `json:"waiting_list"`
	Offers   []Offer   `json:"offers"`
	Bookings []Booking `json:"bookings"`
	Findings []Finding `json:"findings"`
}

// Finding returns the finding with the code, or nil.
func (p Pathway) Finding(code string) *Finding {
	for i := range p.Findings {
		if p.Findings[i].Code == code {
			return &p.Findings[i]
		}
	}
	return nil
}

// Event is API.md's Event.
type Event struct {
	EventID       string `json:"event_id"`
	Type          string `json:"type"`
	StreamVersion uint64 `json:"stream_version"`
	Position      uint64 `json:"position"`
	RecordedAt    string `json:"recorded_at"`
	Actor         struct {
		User string `json:"user"`
		Role string `json:"role"`
	} `json:"actor"`
	Hash     string `json:"hash"`
	PrevHash string `json:"prev_hash"`
}

// Item is API.md's WaitingListItem.
type Item struct {
	PathwayID   string    `json:"pathway_id"`
	StartedOn   string    `json:"started_on"`
	WaitDays    int       `json:"wait_days"`
	WeekBand    string    `json:"week_band"`
	BreachOn    string    `json:"breach_on"`
	ListType    *string   `json:"list_type"`
	Priority    *string   `json:"priority"`
	NextTCIOn   *string   `json:"next_tci_on"`
	Findings    []Finding `json:"findings"`
	WeeksWaited int       `json:"weeks_waited"`
}

// Figures is one block of the RTT report.
type Figures struct {
	Total         int   `json:"total"`
	Within18Weeks int   `json:"within_18_weeks"`
	Over52Weeks   int   `json:"over_52_weeks"`
	Bands         []int `json:"bands"`
}
