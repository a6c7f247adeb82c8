package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Validator checks exchanges with the server against the document. Route tests make
// one per test (or share one; it is safe for concurrent use) and call Check or Serve
// for every request they make, error answers included.
type Validator struct {
	doc     *openapi3.T
	router  routers.Router
	options *openapi3filter.Options
}

// NewValidator loads the document and its router, failing t if either is broken.
func NewValidator(t testing.TB) *Validator {
	t.Helper()
	doc, err := Load()
	if err != nil {
		t.Fatalf("openapi: %v", err)
		return nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("openapi: router: %v", err)
		return nil
	}
	options := &openapi3filter.Options{
		// Authentication is the server's to test; the document only declares it.
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		// A status the operation does not list is a mismatch, not a pass.
		IncludeResponseStatus: true,
		MultiError:            true,
		// Validation must not write defaults into the request the test still holds.
		SkipSettingDefaults:     true,
		SchemaValidationOptions: doc.GetSchemaValidationOptions(),
	}
	v := &Validator{doc: doc, router: router, options: options}
	options.WithCustomSchemaErrorFunc(v.schemaMessage)
	return v
}

// schemaMessage keeps a failure to where and why: kin-openapi's default message
// appends the whole schema and value, hundreds of lines for one stray field.
func (v *Validator) schemaMessage(err *openapi3.SchemaError) string {
	reason := err.Reason
	switch {
	case err.Origin != nil:
		reason = err.Origin.Error()
	case reason == "":
		reason = "does not match " + err.SchemaField
	}
	if cause := v.nullableCause(err); cause != "" {
		reason += ": " + cause
	}
	if p := err.JSONPointer(); len(p) > 0 && !strings.Contains(reason, "/"+strings.Join(p, "/")) {
		return fmt.Sprintf("at /%s: %s", strings.Join(p, "/"), reason)
	}
	return reason
}

// Check fails t (without stopping it) when an exchange disagrees with the document:
//   - the server answered 1xx–3xx on a route the document does not have (an error
//     answer there, e.g. 404, 405, or 401 from authentication that runs before
//     routing, must still be a problem+json Problem);
//   - the server answered 1xx–3xx to a request the document calls invalid (a 4xx or
//     5xx to an invalid request is the server agreeing with the document);
//   - the status is not listed for the operation, a required header is missing or
//     malformed, or the body does not match its schema, e.g. a field the document
//     does not name (every response object forbids additional properties).
//
// Check reads req's body through req.GetBody when set (http.NewRequest sets it for
// in-memory bodies); otherwise req.Body must not have been read yet. Serve takes care
// of this for handler tests.
func (v *Validator) Check(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if err := v.check(req, status, header, body); err != nil {
		t.Errorf("openapi: %s %s → %d: %v", req.Method, req.URL.RequestURI(), status, err)
	}
}

// Serve runs req through h, checks the exchange with Check and returns the recording.
func (v *Validator) Serve(t testing.TB, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	t.Helper()
	if err := rewindable(req); err != nil {
		t.Fatalf("openapi: %s %s: %v", req.Method, req.URL.RequestURI(), err)
		return nil
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	v.Check(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
	return rec
}

func (v *Validator) check(req *http.Request, status int, header http.Header, body []byte) error {
	reqBody, err := requestBody(req)
	if err != nil {
		return err
	}
	ctx := context.Background()
	r := req.Clone(ctx)
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		if status >= 400 {
			return v.checkProblem(header, body)
		}
		return fmt.Errorf("the route is not in the document (%v)", err)
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: v.options}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && status < 400 {
		return fmt.Errorf("the server accepted a request the document calls invalid: %w", err)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                v.options,
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("the response disagrees with the document: %w", err)
	}
	return nil
}

// nullableCause explains a failed "anyOf: [X, null]" (how the document writes a
// nullable object or enum) by X's own error, which anyOf alone does not report.
func (v *Validator) nullableCause(err *openapi3.SchemaError) string {
	if err.SchemaField != "anyOf" || err.Schema == nil || err.Value == nil {
		return ""
	}
	var alts []*openapi3.Schema
	for _, alt := range err.Schema.AnyOf {
		if alt.Value != nil && (alt.Value.Type == nil || !alt.Value.Type.Is(openapi3.TypeNull)) {
			alts = append(alts, alt.Value)
		}
	}
	if len(alts) != 1 {
		return ""
	}
	opts := append(v.doc.GetSchemaValidationOptions(), openapi3.EnableJSONSchema2020(),
		openapi3.SetSchemaErrorMessageCustomizer(v.schemaMessage))
	if e := alts[0].VisitJSON(err.Value, opts...); e != nil {
		return e.Error()
	}
	return ""
}

// checkProblem validates an error answer to a route the document does not have:
// only a problem+json Problem is right.
func (v *Validator) checkProblem(header http.Header, body []byte) error {
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil || mt != "application/problem+json" {
		return fmt.Errorf("an error answer must be application/problem+json, got %q", header.Get("Content-Type"))
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return fmt.Errorf("the problem body is not JSON: %w", err)
	}
	schema := v.doc.Components.Schemas["Problem"].Value
	opts := append(v.doc.GetSchemaValidationOptions(), openapi3.EnableJSONSchema2020())
	if err := schema.VisitJSON(value, opts...); err != nil {
		return fmt.Errorf("the problem body disagrees with the document: %w", err)
	}
	return nil
}

// requestBody returns the request's body without consuming it for the caller.
func requestBody(req *http.Request) ([]byte, error) {
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if err := rewindable(req); err != nil {
		return nil, err
	}
	return requestBody(req)
}

// errBodyConsumed explains the one way Check cannot see the request body.
var errBodyConsumed = errors.New("the request body was already read: build the request with " +
	"http.NewRequest (which sets GetBody) or use Validator.Serve")

// rewindable reads req.Body once and gives req a GetBody that replays it.
func rewindable(req *http.Request) error {
	if req.GetBody != nil || req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	_ = req.Body.Close()
	if req.ContentLength > 0 && int64(len(b)) < req.ContentLength {
		return errBodyConsumed
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return nil
}
