package generator

import (
	"fmt"
	"math/rand/v2"

	"github.com/google/uuid"

	"github.com/pathway-ledger/ledger/aggregates/pathway"
	"github.com/pathway-ledger/ledger/rtt"
)

// Pathway is one generated pathway: its id and the events Decide produced, in order.
type Pathway struct {
	ID     string
	Events []pathway.Event
}

// namespace makes generated ids deterministic: the same seed and index always give
// the same pathway id and event ids, so re-running a generation appends nothing twice.
var namespace = uuid.MustParse("2b6f0c52-8e7a-4a57-9d0e-6a1c9e3b7f41")

// PathwayID is the id of the i-th pathway of a seed.
func PathwayID(seed uint64, i int) string {
	return uuid.NewSHA1(namespace, []byte(fmt.Sprintf("pathway/%d/%d", seed, i))).String()
}

// EventID is the id of the k-th event of a generated pathway.
func EventID(pathwayID string, k int) string {
	return uuid.NewSHA1(namespace, []byte(fmt.Sprintf("%s/%d", pathwayID, k))).String()
}

// builder drives one pathway through Decide and Evolve, dropping anything dated after
// today (that part of the story has not happened yet).
type builder struct {
	r      *rand.Rand
	today  rtt.Date
	state  pathway.State
	events []pathway.Event
	n      int
}

func (b *builder) do(c pathway.Command) bool {
	evs, err := pathway.Decide(b.state, c, pathway.DecideContext{Today: b.today})
	if err != nil {
		return false
	}
	for _, e := range evs {
		b.state = pathway.Evolve(b.state, pathway.Recorded{Event: e, EventID: fmt.Sprint(b.n), StreamVersion: uint64(b.n)})
		b.events = append(b.events, e)
		b.n++
	}
	return true
}

func (b *builder) chance(p float64) bool { return b.r.Float64() < p }

func (b *builder) days(min, max int) int { return min + b.r.IntN(max-min+1) }

func pick(r *rand.Rand) specialty {
	w := r.IntN(totalWeight)
	for _, s := range specialties {
		if w < s.weight {
			return s
		}
		w -= s.weight
	}
	return specialties[0]
}

// Generate builds the i-th pathway of a configuration.
func Generate(cfg Config, i int) Pathway {
	r := rand.New(rand.NewPCG(cfg.Seed, uint64(i)))
	b := &builder{r: r, today: cfg.Today, state: pathway.New()}
	sp := pick(r)
	id := PathwayID(cfg.Seed, i)
	received := cfg.Today.AddDays(-r.IntN(cfg.HistoryDays))
	ref := pathway.Refer{PathwayID: id, Patient: pathway.Patient{NHSNumber: NHSNumber(i)}, SpecialtyCode: sp.code,
		ReceivedOn: received, ReferralPriority: "routine", Source: "gp"}
	switch {
	case b.chance(sp.twoWeekWait):
		ref.ReferralPriority = "two_week_wait"
	case b.chance(0.15):
		ref.ReferralPriority = "urgent"
	}
	switch x := r.Float64(); {
	case x < 0.03:
		ref.Source = "transfer_in"
		start := received.AddDays(-b.days(10, 60))
		ref.OriginalClockStartOn = &start
	case x < 0.13:
		ref.Source = "consultant"
	case x < 0.15:
		ref.Source = "self"
	}
	b.do(ref)
	b.outpatients(sp, received)
	return Pathway{ID: id, Events: b.events}
}

// outpatients: first appointment, DNAs, and the outcome of the outpatient phase.
func (b *builder) outpatients(sp specialty, received rtt.Date) {
	wait := b.days(14, 70)
	if b.state.ReferralPriority == "two_week_wait" {
		wait = b.days(5, 14)
	}
	first := received.AddDays(wait)
	if b.chance(0.06) { // missed first appointment
		dna := pathway.RecordActivity{OccurredOn: first, Kind: "outpatient_first", RTTStatus: "33", Attendance: "did_not_attend"}
		if !b.do(dna) {
			return
		}
		if b.state.Running() == nil { // nullified: the patient calls to rebook
			if !b.do(pathway.RecordActivity{OccurredOn: first.AddDays(b.days(3, 20)), Kind: "administrative", RTTStatus: "10"}) {
				return
			}
		}
		first = first.AddDays(b.days(21, 42))
	}
	if !b.do(pathway.RecordActivity{OccurredOn: first, Kind: "outpatient_first", RTTStatus: "20"}) {
		return
	}
	on := first
	if b.chance(0.35) { // diagnostics or a follow-up first
		on = on.AddDays(b.days(14, 56))
		if !b.do(pathway.RecordActivity{OccurredOn: on, Kind: "outpatient_follow_up", RTTStatus: "20"}) {
			return
		}
	}
	switch x := b.r.Float64(); {
	case x < 0.01:
		b.do(pathway.RecordActivity{OccurredOn: on, Kind: "administrative", RTTStatus: "21"})
	case x < 0.013:
		b.do(pathway.RecordActivity{OccurredOn: on.AddDays(b.days(1, 30)), Kind: "administrative", RTTStatus: "36"})
	case x < 0.15:
		b.do(pathway.RecordActivity{OccurredOn: on, Kind: "outpatient_follow_up", RTTStatus: "30"})
	case x < 0.25:
		b.do(pathway.RecordActivity{OccurredOn: on, Kind: "outpatient_follow_up", RTTStatus: "34"})
	case x < 0.30:
		status := "31"
		if b.chance(0.5) {
			status = "32"
		}
		b.do(pathway.RecordActivity{OccurredOn: on, Kind: "outpatient_follow_up", RTTStatus: status})
	case x < 0.30+sp.admitRate:
		b.admitted(sp, on)
	default: // more outpatient work, then treatment or discharge once its date has come
		later := on.AddDays(b.days(28, 150))
		status := "30"
		if b.chance(0.4) {
			status = "34"
		}
		b.do(pathway.RecordActivity{OccurredOn: later, Kind: "outpatient_follow_up", RTTStatus: status})
	}
}

var priorities = []struct {
	p      rtt.Priority
	weight float64
}{{rtt.P1b, 0.03}, {rtt.P2, 0.22}, {rtt.P3, 0.50}, {rtt.P4, 0.25}}

// admitted: decision to admit, pre-op, offers (some declined), bookings, hospital and
// patient cancellations, and treatment when its date has come.
func (b *builder) admitted(sp specialty, decided rtt.Date) {
	prio := rtt.P3
	x := b.r.Float64()
	for _, p := range priorities {
		if x < p.weight {
			prio = p.p
			break
		}
		x -= p.weight
	}
	minutes := b.days(sp.minutes[0], sp.minutes[1])
	if !b.do(pathway.AddToWaitingList{DecidedOn: decided, ListType: sp.listType, Priority: prio, ExpectedMinutes: minutes}) {
		return
	}
	assessed := decided.AddDays(b.days(7, 28))
	outcome := "fit"
	if b.chance(0.07) {
		outcome = "unfit"
	}
	valid := assessed.AddDays(180)
	req := pathway.Requirements{Kit: []string{}, HDUBed: sp.listType == "inpatient" && b.chance(0.08),
		Radiology: sp.code == "110" && b.chance(0.3)}
	if !b.do(pathway.RecordPreOp{AssessedOn: assessed, Outcome: outcome, ValidUntil: &valid, Requirements: req}) || outcome == "unfit" {
		return
	}
	target := 126 - rtt.WaitDays(b.state.Current().StartedOn, decided)
	if due, ok := prio.DueDate(decided); ok {
		target = rtt.WaitDays(decided, due)
	}
	offered := assessed.AddDays(b.days(1, 14))
	tci := offered.AddDays(b.days(21, 21+max(target, 30)))
	for k := 0; k < 3; k++ {
		offerID := EventID(b.state.PathwayID, 1000+k)
		if !b.do(pathway.MakeOffer{OfferID: offerID, OfferedOn: offered, AppointmentOn: tci}) {
			return
		}
		if !b.chance(0.12) {
			b.do(pathway.AcceptOffer{OfferID: offerID, AcceptedOn: offered.AddDays(b.days(0, 3))})
			break
		}
		b.do(pathway.DeclineOffer{OfferID: offerID, DeclinedOn: offered.AddDays(b.days(0, 3)), Reason: "patient unavailable"})
		offered = offered.AddDays(b.days(3, 10))
		tci = tci.AddDays(b.days(7, 35))
	}
	for k := 0; k < 3; k++ {
		bookingID := EventID(b.state.PathwayID, 2000+k)
		if !b.do(pathway.BookAdmission{BookingID: bookingID, AdmissionOn: tci, BookedOn: offered.AddDays(3)}) {
			return
		}
		switch x := b.r.Float64(); {
		case x < 0.03: // hospital, non-clinical, on the day: the 28-day guarantee starts
			if !b.do(pathway.CancelBooking{BookingID: bookingID, CancelledOn: tci, CancelledBy: "hospital", Reason: "no bed"}) {
				return
			}
			tci = tci.AddDays(b.days(7, 35))
			continue
		case x < 0.08:
			if !b.do(pathway.CancelBooking{BookingID: bookingID, CancelledOn: tci.AddDays(-b.days(1, 10)), CancelledBy: "patient", Reason: "unwell"}) {
				return
			}
			tci = tci.AddDays(b.days(14, 42))
			continue
		}
		kind := "day_case"
		if sp.listType == "inpatient" {
			kind = "admission"
		}
		b.do(pathway.RecordActivity{OccurredOn: tci, Kind: kind, RTTStatus: "30"})
		return
	}
}
