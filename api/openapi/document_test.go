package openapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/pathway-ledger/ledger/api/openapi"
)

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi.Load()
	require.NoError(t, err)
	return doc
}

func TestDocumentIsValidOpenAPI31(t *testing.T) {
	doc := load(t)
	require.Equal(t, "3.1.0", doc.OpenAPI)
	require.True(t, doc.IsOpenAPI31OrLater())
	// Validate picks JSON Schema 2020-12 from the version; say it explicitly as well.
	require.NoError(t, doc.Validate(context.Background(), openapi3.IsOpenAPI31OrLater()))
	require.Equal(t, "Pathway Ledger API", doc.Info.Title)
	require.Len(t, doc.Servers, 1)
	require.Equal(t, "/", doc.Servers[0].URL)
}

// The validation Load relies on must itself be able to fail, or the test above proves
// nothing: an undeclared path parameter is an invalid document.
func TestValidationCatchesABrokenDocument(t *testing.T) {
	doc := load(t)
	doc.Paths.Value("/v1/pathways/{id}").Get.Parameters = nil
	err := doc.Validate(context.Background())
	require.Error(t, err)
	require.Contains(t, err.Error(), "id")
}

func TestSpecIsStableJSONOfTheDocument(t *testing.T) {
	a, b := openapi.Spec(), openapi.Spec()
	require.Equal(t, a, b)
	require.True(t, json.Valid(a))
	var top struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	require.NoError(t, json.Unmarshal(a, &top))
	require.Equal(t, "3.1.0", top.OpenAPI)
	require.Equal(t, 34, len(top.Paths)) // 36 operations: two paths have GET and POST
	require.Equal(t, "application/json", openapi.ContentType)

	a[0] = 'X' // each call hands out its own copy
	require.Equal(t, byte('{'), openapi.Spec()[0])
}

// objectSchemas calls f for every schema reachable from the components, named by its
// path ("Pathway.current_period", "RttPart.by_treatment_function[]").
func objectSchemas(doc *openapi3.T, f func(path string, s *openapi3.Schema)) {
	var walk func(path string, ref *openapi3.SchemaRef)
	walk = func(path string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil {
			return
		}
		if ref.Ref != "" && strings.Contains(path, ".") {
			return // a component: visited under its own name
		}
		s := ref.Value
		f(path, s)
		for name, p := range s.Properties {
			walk(path+"."+name, p)
		}
		walk(path+"[]", s.Items)
		for i, a := range s.AnyOf {
			walk(path+"|"+strconv.Itoa(i), a)
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			walk(path+"{}", ap)
		}
	}
	for name, ref := range doc.Components.Schemas {
		walk(name, &openapi3.SchemaRef{Value: ref.Value})
	}
}

// The way "a field exists in code but not in the document" is caught: every object
// schema closes its properties. Free-form objects are free-form on purpose.
func TestEveryObjectSchemaClosesItsProperties(t *testing.T) {
	freeForm := []string{"OpenAPIDocument", "Event.data"}
	doc := load(t)
	var checked int
	objectSchemas(doc, func(path string, s *openapi3.Schema) {
		if s.Type == nil || !s.Type.Is(openapi3.TypeObject) || slices.Contains(freeForm, path) {
			return
		}
		checked++
		ap := s.AdditionalProperties
		require.True(t, (ap.Has != nil && !*ap.Has) || ap.Schema != nil,
			"%s must set additionalProperties (false, or a schema for maps)", path)
		for _, r := range s.Required {
			require.Contains(t, s.Properties, r, "%s requires %q but does not define it", path, r)
		}
	})
	require.Greater(t, checked, 50)
}

func operations(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	return ops
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var openRoutes = []string{"GET /healthz", "GET /readyz", "GET /metrics"}

func TestSecurityIsBearerExceptHealthAndMetrics(t *testing.T) {
	doc := load(t)
	require.Equal(t, openapi3.SecurityRequirements{{"bearerAuth": {}}}, doc.Security)
	scheme := doc.Components.SecuritySchemes["bearerAuth"].Value
	require.Equal(t, "http", scheme.Type)
	require.Equal(t, "bearer", scheme.Scheme)
	ops := operations(doc)
	for _, key := range sortedKeys(ops) {
		op := ops[key]
		if slices.Contains(openRoutes, key) {
			require.NotNil(t, op.Security, key)
			require.Empty(t, *op.Security, "%s needs no credential", key)
			continue
		}
		require.Nil(t, op.Security, "%s inherits the global bearer requirement", key)
		require.NotNil(t, op.Responses.Status(401), "%s answers 401 without a credential", key)
		require.NotNil(t, op.Responses.Status(403), "%s answers 403 for the wrong role", key)
	}
}

func TestErrorAnswersAreProblems(t *testing.T) {
	doc := load(t)
	ops := operations(doc)
	var n int
	for _, key := range sortedKeys(ops) {
		for code, ref := range ops[key].Responses.Map() {
			status, err := strconv.Atoi(code)
			require.NoError(t, err, "%s %s: only numeric statuses", key, code)
			if status < 400 || key == "GET /readyz" {
				continue
			}
			n++
			content := ref.Value.Content
			require.Len(t, content, 1, "%s %s", key, code)
			mt := content.Get("application/problem+json")
			require.NotNil(t, mt, "%s %s is application/problem+json", key, code)
			require.Equal(t, "#/components/schemas/Problem", mt.Schema.Ref, "%s %s", key, code)
		}
	}
	require.Greater(t, n, 150)
}

func TestConcurrencyAndReadYourWritesAreDeclared(t *testing.T) {
	creates := []string{"POST /v1/pathways", "POST /v1/sessions"}
	doc := load(t)
	ops := operations(doc)
	for _, key := range sortedKeys(ops) {
		op := ops[key]
		method, path, _ := strings.Cut(key, " ")
		if strings.HasPrefix(path, "/v1/admin/") {
			continue // operating the read models writes no stream
		}
		params := map[string]string{}
		for _, p := range op.Parameters {
			params[p.Value.Name] = p.Value.In
		}
		if strings.Contains(path, "{") {
			require.NotNil(t, op.Responses.Status(http.StatusNotFound), "%s answers 404 for an unknown id", key)
		}
		switch {
		case method == http.MethodPost:
			require.Equal(t, "header", params["Idempotency-Key"], key)
			if slices.Contains(creates, key) {
				require.NotContains(t, params, "If-Match", key)
			} else {
				require.Equal(t, "header", params["If-Match"], key)
			}
			require.NotNil(t, op.Responses.Status(http.StatusConflict), key)
			require.NotNil(t, op.Responses.Status(http.StatusUnprocessableEntity), key)
			written := 0
			for code, ref := range op.Responses.Map() {
				if code[0] != '2' {
					continue
				}
				written++
				for _, h := range []string{"ETag", "Ledger-Position"} {
					require.Contains(t, ref.Value.Headers, h, "%s %s", key, code)
					require.True(t, ref.Value.Headers[h].Value.Required, "%s %s: %s is always sent", key, code, h)
				}
			}
			require.Equal(t, 1, written, key)
		case strings.HasPrefix(path, "/v1/") && path != "/v1/openapi.json":
			require.Equal(t, "query", params["after"], "%s accepts after=", key)
			require.NotNil(t, op.Responses.Status(http.StatusServiceUnavailable), key)
		}
	}
}
