package v1

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/api"
	"github.com/pathway-ledger/ledger/projections"
)

// Projections is the projection runner as the admin routes see it.
type Projections interface {
	Status() projections.Status
	Names() []string
	Rebuild(ctx context.Context, names ...string) error
}

type rebuildBody struct {
	// Projections to rebuild; empty means all of them.
	Projections []string `json:"projections"`
}

func registerAdmin(srv *api.Server, d *Deps) {
	if d.Projections == nil {
		return
	}
	g := srv.Group("/admin/projections", api.Allow())
	g.GET("", func(c echo.Context) error { return c.JSON(http.StatusOK, d.Projections.Status()) })
	g.POST("/rebuild", d.rebuild)
}

// rebuild starts rebuilding read models from position 0 and answers 202 at once:
// at a trust's size a rebuild takes minutes, longer than a request should live.
// Reads of a model under rebuild wait (after=) or see readyz 503 until it rejoins.
func (d *Deps) rebuild(c echo.Context) error {
	var b rebuildBody
	if c.Request().ContentLength != 0 {
		if err := api.Bind(c, &b); err != nil {
			return err
		}
	}
	known := d.Projections.Names()
	for _, n := range b.Projections {
		if !slices.Contains(known, n) {
			return api.BadRequest("unknown projection", api.FieldError{Field: "projections", Detail: "must name projections of this server"})
		}
	}
	for _, p := range d.Projections.Status().Projections {
		if p.Rebuilding && (len(b.Projections) == 0 || slices.Contains(b.Projections, p.Name)) {
			return api.NewProblem(http.StatusConflict, "urn:pathway-ledger:problem:rebuild-in-progress", "Rebuild in progress",
				"a rebuild of "+p.Name+" is already running")
		}
	}
	log := d.Logger
	go func() {
		err := d.Projections.Rebuild(context.Background(), b.Projections...)
		if err != nil && !errors.Is(err, context.Canceled) && log != nil {
			log.Error("projection rebuild failed", slog.Any("projections", b.Projections), slog.String("error", err.Error()))
		}
	}()
	return c.JSON(http.StatusAccepted, d.Projections.Status())
}
