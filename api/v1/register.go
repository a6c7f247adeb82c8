package v1

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/api/openapi"
	"github.com/pathway-ledger/ledger/process/booking"
)

// Register adds the v1 pathway and query routes to a server. Booking officers read
// pathways and the PTL they work from; reports are for readers, validators and
// auditors; validation histories for validators and auditors; the raw events and
// integrity for auditors; admin may do everything.
func Register(srv *api.Server, d *Deps) {
	if d.Bookings == nil {
		d.Bookings = &booking.Worker{Store: d.Store, Today: d.today, Log: d.Logger}
	}
	cmd := srv.Group("/pathways", api.CommandRoles)
	cmd.POST("", d.refer)
	cmd.POST("/:id/activities", command(d, http.StatusCreated, activity))
	cmd.POST("/:id/waiting-list-entries", command(d, http.StatusCreated, entry))
	cmd.POST("/:id/offers", command(d, http.StatusCreated, offer))
	cmd.POST("/:id/offers/:offer_id/decline", command(d, http.StatusOK, decline))
	cmd.POST("/:id/offers/:offer_id/accept", command(d, http.StatusOK, accept))
	cmd.POST("/:id/unavailability", command(d, http.StatusCreated, unavailability))
	cmd.POST("/:id/bookings", command(d, http.StatusCreated, d.booking))
	cmd.POST("/:id/bookings/:booking_id/cancellations", command(d, http.StatusOK, cancellation))
	cmd.POST("/:id/pre-op-assessments", command(d, http.StatusCreated, preOp))
	srv.Group("/pathways", api.ValidationRoles).POST("/:id/validations", d.validate)

	read := srv.Group("/pathways", api.ReadRoles.With(api.RoleBooking, api.RoleReader))
	read.GET("/:id", d.getPathway)
	srv.Group("/pathways", api.ReadRoles).GET("/:id/validations", d.validations)
	srv.Group("/pathways", api.AuditRoles).GET("/:id/events", d.events)
	srv.Group("/waiting-list", api.ReportRoles.With(api.RoleBooking)).GET("", d.waitingList)
	srv.Group("/reports", api.ReportRoles).GET("/rtt", d.rttReport)
	srv.Group("/integrity", api.AuditRoles).GET("", d.integrity)
	registerSessions(srv, d)
	registerAdmin(srv, d)
	srv.Group("/openapi.json", api.AuthenticatedRoles).GET("", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openapi.Spec())
	})
}

// registerSessions adds the session routes: booking officers plan and fill lists;
// everyone who reads the PTL may read lists and the session reports.
func registerSessions(srv *api.Server, d *Deps) {
	cmd := srv.Group("/sessions", api.CommandRoles)
	cmd.POST("", d.planSession)
	cmd.POST("/:id/bookings", d.schedule)
	cmd.POST("/:id/bookings/:pathway_id/removal", d.removeFromSession)
	cmd.POST("/:id/finalisation", sessionCommand(d, false, finalise))
	cmd.POST("/:id/confirmation", sessionCommand(d, false, confirm))
	cmd.POST("/:id/cancellations", sessionCommand(d, true, cancelSession))
	cmd.POST("/:id/release", sessionCommand(d, true, release))

	read := srv.Group("/sessions", api.ReportRoles.With(api.RoleBooking))
	read.GET("", d.listSessions)
	read.GET("/:id", d.getSession)
	read.GET("/:id/suggestions", d.suggestions)
	read.GET("/:id/proposal", d.proposal)
	reports := srv.Group("/reports", api.ReportRoles.With(api.RoleBooking))
	reports.GET("/session-utilisation", d.utilisation)
	reports.GET("/twenty-eight-day", d.guarantees)
}
