package backstage

import (
	"slices"
	"testing"
)

func TestInputs(t *testing.T) {
	in := &inputs{m: map[string]any{"url": "./skeleton", "replace": true, "files": []any{"a", "b"}, "none": nil}}
	if got := in.required("url"); got != "./skeleton" {
		t.Errorf("required(url) = %q", got)
	}
	if got := in.optional("targetPath", "./"); got != "./" {
		t.Errorf("optional(targetPath) = %q, want the default", got)
	}
	if got := in.optional("none", "x"); got != "x" {
		t.Errorf("a null input is not given: got %q", got)
	}
	if !in.boolean("replace") || in.boolean("absent") {
		t.Error("boolean inputs")
	}
	if got, ok := in.strings("files"); !ok || !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("strings(files) = %v, %v", got, ok)
	}
	if in.err != nil {
		t.Fatalf("no error expected: %v", in.err)
	}

	// The first problem is the one reported.
	for _, c := range []struct {
		m    map[string]any
		read func(*inputs)
		want string
	}{
		{map[string]any{}, func(in *inputs) { in.required("url"); in.required("targetPath") }, "input url is required"},
		{map[string]any{"url": 3.0}, func(in *inputs) { in.required("url") }, "input url must be a string, not a number"},
		{map[string]any{"replace": "yes"}, func(in *inputs) { in.boolean("replace") }, "input replace must be a boolean, not a string"},
		{map[string]any{"files": "a"}, func(in *inputs) { in.strings("files") }, "input files must be an array of strings, not a string"},
		{map[string]any{"files": []any{"a", true}}, func(in *inputs) { in.strings("files") }, "input files[1] must be a string, not a boolean"},
		{map[string]any{"a": 1.0, "b": 2.0}, func(in *inputs) { in.str("a"); in.str("b") }, "input a must be a string, not a number"},
	} {
		in := &inputs{m: c.m}
		c.read(in)
		if in.err == nil || in.err.Error() != c.want {
			t.Errorf("%v: error %v, want %q", c.m, in.err, c.want)
		}
	}
}
