package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/pathway-ledger/ledger/rtt"
)

// Bind decodes the request's JSON body into dst, a pointer to a struct, strictly:
// the body must be one JSON object; unknown and repeated fields, wrong types and
// missing required fields (tag `required:"true"`; null counts as missing) are 400
// problems whose errors[] name every offending field by its JSON path
// ("patient.nhs_number", "checks[2]"). Details never repeat the values sent.
// Field names are matched exactly (snake_case as in API.md). A field whose type has
// its own JSON or text decoding is described by its `format` tag on error
// (`format:"a code such as 30"` gives "must be a code such as 30").
func Bind(c echo.Context, dst any) error {
	req := c.Request()
	if !isJSON(req.Header.Get(echo.HeaderContentType)) {
		return NewProblem(415, TypeUnsupportedMedia, "Unsupported media type",
			"the body must be JSON (Content-Type: application/json)")
	}
	if req.Body == nil {
		return DecodeJSON(nil, dst)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return err
	}
	return DecodeJSON(body, dst)
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// DecodeJSON is Bind's decoder for a body already read. It returns nil or a *Problem
// (400), or a plain error when dst is not a pointer to a struct (a programming error).
func DecodeJSON(body []byte, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("api: DecodeJSON needs a pointer to a struct, got %T", dst)
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return BadRequest("a JSON object body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return BadRequest(fmt.Sprintf("the body is not valid JSON (at byte %d)", se.Offset))
		}
		return BadRequest("the body is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return BadRequest("the body must hold exactly one JSON object")
	}
	if raw[0] != '{' {
		return BadRequest("the body must be a JSON object")
	}
	var errs []FieldError
	decodeValue("", raw, rv.Elem(), reflect.StructField{}, &errs)
	if len(errs) > 0 {
		return BadRequest("the body has invalid fields", errs...)
	}
	return nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// knownFormats describe the value types route bodies use, whose decoding errors
// would otherwise quote the value.
var knownFormats = map[reflect.Type]string{
	reflect.TypeFor[rtt.Date]():  "a date YYYY-MM-DD",
	reflect.TypeFor[uuid.UUID](): "a UUID",
	reflect.TypeFor[time.Time](): "an RFC 3339 instant",
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// decodeValue decodes raw into v, appending a FieldError per problem found. It
// descends into structs and slices itself so that every error knows its path.
func decodeValue(path string, raw json.RawMessage, v reflect.Value, sf reflect.StructField, errs *[]FieldError) {
	t := v.Type()
	isNull := string(raw) == "null"
	if v.CanAddr() && (reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)) {
		if isNull {
			return
		}
		if err := json.Unmarshal(raw, v.Addr().Interface()); err != nil {
			*errs = append(*errs, FieldError{Field: path, Detail: describe(t, sf)})
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if isNull {
			v.SetZero()
			return
		}
		elem := reflect.New(t.Elem())
		n := len(*errs)
		decodeValue(path, raw, elem.Elem(), sf, errs)
		if len(*errs) == n {
			v.Set(elem)
		}
	case reflect.Struct:
		if isNull {
			return
		}
		if raw[0] != '{' {
			*errs = append(*errs, FieldError{Field: path, Detail: "must be an object"})
			return
		}
		decodeStruct(path, raw, v, errs)
	case reflect.Slice:
		if isNull {
			v.SetZero()
			return
		}
		if t.Elem().Kind() == reflect.Uint8 {
			decodeLeaf(path, raw, v, sf, errs)
			return
		}
		if raw[0] != '[' {
			*errs = append(*errs, FieldError{Field: path, Detail: "must be an array"})
			return
		}
		decodeSlice(path, raw, v, sf, errs)
	default:
		decodeLeaf(path, raw, v, sf, errs)
	}
}

func decodeLeaf(path string, raw json.RawMessage, v reflect.Value, sf reflect.StructField, errs *[]FieldError) {
	p := reflect.New(v.Type())
	if err := json.Unmarshal(raw, p.Interface()); err != nil {
		*errs = append(*errs, FieldError{Field: path, Detail: describe(v.Type(), sf)})
		return
	}
	v.Set(p.Elem())
}

func decodeSlice(path string, raw json.RawMessage, v reflect.Value, sf reflect.StructField, errs *[]FieldError) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	_, _ = dec.Token() // '['
	out := reflect.MakeSlice(v.Type(), 0, 0)
	for i := 0; dec.More(); i++ {
		var el json.RawMessage
		if err := dec.Decode(&el); err != nil {
			*errs = append(*errs, FieldError{Field: path, Detail: "must be an array"})
			return
		}
		out = reflect.Append(out, reflect.Zero(v.Type().Elem()))
		at := path + "[" + strconv.Itoa(i) + "]"
		if string(el) == "null" && !nullable(v.Type().Elem()) {
			// A null in a list of values is a hole, not an omitted optional field.
			*errs = append(*errs, FieldError{Field: at, Detail: describe(v.Type().Elem(), sf)})
			continue
		}
		decodeValue(at, el, out.Index(i), sf, errs)
	}
	v.Set(out)
}

func decodeStruct(path string, raw json.RawMessage, v reflect.Value, errs *[]FieldError) {
	info := structInfoOf(v.Type())
	dec := json.NewDecoder(bytes.NewReader(raw))
	_, _ = dec.Token() // '{'
	// present: the key appeared; given: with a value other than null.
	present := make(map[string]bool, len(info.fields))
	given := make(map[string]bool, len(info.fields))
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			*errs = append(*errs, FieldError{Field: path, Detail: "must be an object"})
			return
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			*errs = append(*errs, FieldError{Field: path, Detail: "must be an object"})
			return
		}
		name := joinPath(path, clip(key))
		f, ok := info.byName[key]
		switch {
		case !ok:
			*errs = append(*errs, FieldError{Field: name, Detail: "is not a known field"})
		case present[key]:
			*errs = append(*errs, FieldError{Field: name, Detail: "appears more than once"})
		default:
			present[key] = true
			if string(val) == "null" && f.required {
				continue // reported as missing below
			}
			given[key] = string(val) != "null"
			decodeValue(name, val, fieldByIndexAlloc(v, f.index), f.sf, errs)
		}
	}
	for _, f := range info.fields {
		if f.required && !given[f.name] {
			*errs = append(*errs, FieldError{Field: joinPath(path, f.name), Detail: "is required"})
		}
	}
}

func nullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		return true
	}
	return false
}

// clip bounds an unknown key echoed in an error: it came from the caller.
func clip(key string) string {
	const max = 64
	if key == "" {
		return `""`
	}
	if len(key) <= max {
		return key
	}
	return strings.ToValidUTF8(key[:max], "") + "…"
}

// describe says what a field must be without quoting what was sent.
func describe(t reflect.Type, sf reflect.StructField) string {
	if f := sf.Tag.Get("format"); f != "" {
		return "must be " + f
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if f, ok := knownFormats[t]; ok {
		return "must be " + f
	}
	switch t.Kind() {
	case reflect.String:
		return "must be a string"
	case reflect.Bool:
		return "must be true or false"
	case reflect.Int, reflect.Int64:
		return "must be an integer"
	case reflect.Int8, reflect.Int16, reflect.Int32:
		bits := t.Bits() - 1
		return fmt.Sprintf("must be an integer from %d to %d", -(int64(1) << bits), int64(1)<<bits-1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprintf("must be an integer from 0 to %d", uint64(1)<<(t.Bits()-1)<<1-1)
	case reflect.Float32, reflect.Float64:
		return "must be a number"
	case reflect.Map, reflect.Struct:
		return "must be an object"
	case reflect.Slice, reflect.Array:
		return "must be an array"
	}
	return "has an invalid value"
}

type fieldInfo struct {
	name     string
	index    []int
	required bool
	sf       reflect.StructField
}

type structInfo struct {
	fields []fieldInfo
	byName map[string]fieldInfo
}

var structInfos sync.Map // reflect.Type -> *structInfo

// structInfoOf lists the JSON fields of t as encoding/json names them, promoted
// fields of embedded structs included (the shallowest wins a name clash).
func structInfoOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]fieldInfo{}}
	for _, sf := range reflect.VisibleFields(t) {
		tag := sf.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || (!sf.IsExported() && !sf.Anonymous) {
			continue
		}
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				continue // its fields are promoted and listed by VisibleFields
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		f := fieldInfo{name: name, index: sf.Index, required: sf.Tag.Get("required") == "true", sf: sf}
		if old, ok := si.byName[name]; ok && len(old.index) <= len(f.index) {
			continue
		}
		si.byName[name] = f
	}
	for _, sf := range reflect.VisibleFields(t) {
		if f, ok := si.byName[fieldName(sf)]; ok && sameIndex(f.index, sf.Index) {
			si.fields = append(si.fields, f)
		}
	}
	actual, _ := structInfos.LoadOrStore(t, si)
	return actual.(*structInfo)
}

func fieldName(sf reflect.StructField) string {
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	if name == "" {
		return sf.Name
	}
	return name
}

func sameIndex(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fieldByIndexAlloc is FieldByIndex that allocates nil embedded struct pointers.
func fieldByIndexAlloc(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}
