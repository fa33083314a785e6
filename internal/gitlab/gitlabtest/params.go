package gitlabtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// params are a request's parameters: a JSON or form body over the query
// string, as Grape merges them.
type params struct {
	body  map[string]any
	query url.Values
}

func parseParams(r *http.Request) (params, error) {
	p := params{query: r.URL.Query()}
	raw, _ := io.ReadAll(r.Body)
	if len(bytes.TrimSpace(raw)) == 0 {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			return p, errors.New("the request body is not valid form data")
		}
		for k, vs := range p.query {
			if _, ok := form[k]; !ok {
				form[k] = vs
			}
		}
		p.query = form
		return p, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&p.body); err != nil {
		return p, errors.New("the request body is not a valid JSON object")
	}
	return p, nil
}

// value is the raw value of name: from the body, else the query ("name"
// or "name[]"); ok is false when neither has it.
func (p params) value(name string) (any, bool) {
	if v, ok := p.body[name]; ok {
		return v, true
	}
	if vs, ok := p.query[name]; ok && len(vs) > 0 {
		return vs[0], true
	}
	if vs, ok := p.query[name+"[]"]; ok {
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		return list, true
	}
	return nil, false
}

// str is a string parameter; numbers and booleans are taken as text, as
// Grape coerces them. A JSON null is absent.
func (p params) str(name string) (string, bool) {
	v, ok := p.value(name)
	if !ok || v == nil {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return fmt.Sprint(v), true
}

// int is an integer parameter; a value that is not one is an error.
func (p params) int(name string) (int64, bool, error) {
	s, ok := p.str(name)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, true, fmt.Errorf("%s is invalid", name)
	}
	return n, true, nil
}

// ints is a list of integers: a JSON array, name[]=1&name[]=2, or "1,2".
func (p params) ints(name string) ([]int64, bool, error) {
	v, ok := p.value(name)
	if !ok || v == nil {
		return nil, ok, nil
	}
	var items []any
	switch v := v.(type) {
	case []any:
		items = v
	case string:
		if v != "" {
			for _, s := range strings.Split(v, ",") {
				items = append(items, strings.TrimSpace(s))
			}
		}
	default:
		items = []any{v}
	}
	out := []int64{}
	for _, it := range items {
		n, err := strconv.ParseInt(fmt.Sprint(it), 10, 64)
		if err != nil {
			return nil, true, fmt.Errorf("%s is invalid", name)
		}
		out = append(out, n)
	}
	return out, true, nil
}

// labels is a label list: a comma-separated string (client-go sends one)
// or an array. Blank names are dropped.
func (p params) labels(name string) ([]string, bool) {
	v, ok := p.value(name)
	if !ok || v == nil {
		return nil, ok
	}
	var raw []string
	switch v := v.(type) {
	case string:
		raw = strings.Split(v, ",")
	case []any:
		for _, it := range v {
			raw = append(raw, fmt.Sprint(it))
		}
	default:
		raw = []string{fmt.Sprint(v)}
	}
	out := []string{}
	for _, l := range raw {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out, true
}

// bool is a boolean parameter as Grape reads one.
func (p params) bool(name string) (bool, bool, error) {
	s, ok := p.str(name)
	if !ok {
		return false, false, nil
	}
	switch strings.ToLower(s) {
	case "true", "1", "yes", "t":
		return true, true, nil
	case "false", "0", "no", "f":
		return false, true, nil
	}
	return false, true, fmt.Errorf("%s is invalid", name)
}

// time is an ISO 8601 timestamp parameter.
func (p params) time(name string) (time.Time, bool, error) {
	s, ok := p.str(name)
	if !ok || s == "" {
		return time.Time{}, false, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true, nil
		}
	}
	return time.Time{}, true, fmt.Errorf("%s is invalid", name)
}

// oneOf checks an enumerated parameter the way Grape does, returning def
// when it is absent.
func (p params) oneOf(name, def string, allowed ...string) (string, error) {
	s, ok := p.str(name)
	if !ok {
		return def, nil
	}
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", fmt.Errorf("%s does not have a valid value", name)
}
