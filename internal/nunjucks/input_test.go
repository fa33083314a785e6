package nunjucks

import (
	"testing"
)

func TestRenderInput(t *testing.T) {
	e := backstage()
	ctx := map[string]any{"parameters": map[string]any{
		"port": 8080, "on": true, "name": "svc", "digits": "123", "tags": []any{"a", "b"},
		"o":       map[string]any{"k": "v"},
		"repoUrl": "gitlab.example.com?owner=group&repo=svc",
	}}
	cases := []struct {
		name, in string
		want     any
	}{
		// A lone expression is wrapped in ( x ) | dump and parsed as JSON, so
		// it keeps its type.
		{"number", "${{ parameters.port }}", 8080.0},
		{"boolean", "${{ parameters.on }}", true},
		{"string", "${{ parameters.name }}", "svc"},
		{"numeric string stays string", "${{ parameters.digits }}", "123"},
		{"array", "${{ parameters.tags }}", []any{"a", "b"}},
		{"object", "${{ parameters.o }}", map[string]any{"k": "v"}},
		{"filter result", "${{ parameters.repoUrl | parseRepoUrl }}", map[string]any{"host": "gitlab.example.com", "owner": "group", "repo": "svc"}},
		{"expression", "${{ parameters.port + 1 }}", 8081.0},
		// An empty rendering is undefined.
		{"undefined", "${{ parameters.missing }}", Undefined{}},
		{"empty text", "", Undefined{}},
		// Text around the expression makes it a string template.
		{"text and expression", "port ${{ parameters.port }}", "port 8080"},
		{"two expressions", "${{ parameters.name }}${{ parameters.port }}", "svc8080"},
		{"trailing newline", "${{ parameters.port }}\n", "8080\n"},
		{"plain text", "hello", "hello"},
		// A lone tag is a single node too: its output is parsed as JSON when
		// it can be.
		{"lone if", "{% if parameters.on %}42{% endif %}", 42.0},
		{"lone if text", "{% if parameters.on %}yes{% endif %}", "yes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.RenderInput("input", c.in, ctx)
			if err != nil {
				t.Fatalf("RenderInput(%q): %v", c.in, err)
			}
			if !deepEqual(got, c.want) {
				t.Errorf("RenderInput(%q) = %#v, want %#v", c.in, got, c.want)
			}
		})
	}
	// A failed render leaves the string as it was, and reports why.
	in := "${{ parameters.name | nosuch }}"
	got, err := e.RenderInput("input", in, ctx)
	if err == nil || got != in {
		t.Errorf("RenderInput(%q) = %#v, %v; want the input back and an error", in, got, err)
	}
}

func TestJSONParseKeepsOrder(t *testing.T) {
	v, err := jsonParse(`{"b": 1, "a": [true, null, "x"], "2": {}}`)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := fDump(nil, v, nil)
	if want := `{"2":{},"b":1,"a":[true,null,"x"]}`; out != want {
		t.Errorf("round trip = %s, want %s", out, want)
	}
	if _, err := jsonParse(`{"a": 1} x`); err == nil {
		t.Error("trailing data accepted")
	}
}
