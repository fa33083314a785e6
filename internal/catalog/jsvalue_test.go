package catalog

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

// valueNode parses "v: <src>" and returns the value node.
func valueNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("v: "+src+"\n"), &doc); err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return deref(doc.Content[0].Content[1])
}

// The expectations are the JSON types the `yaml` npm package (YAML 1.2 core
// schema) produces, where yaml.v3 alone would disagree on several.
func TestTypeOf(t *testing.T) {
	tests := []struct {
		src    string
		want   jsType
		opaque bool
	}{
		{"hello", jsString, false},
		{`"123"`, jsString, false},
		{"'true'", jsString, false},
		{"|\n  text", jsString, false},
		{"!!str 123", jsString, false},
		{"2024-01-01", jsString, false}, // a timestamp for yaml.v3, a string in YAML 1.2
		{"0b101", jsString, false},      // an int for yaml.v3
		{"1_000", jsString, false},      // an int for yaml.v3
		{"yes", jsString, false},
		{"on", jsString, false},
		{"123", jsNumber, false},
		{"-1.5e3", jsNumber, false},
		{"0o17", jsNumber, false},
		{"0x1F", jsNumber, false},
		{".inf", jsNumber, false},
		{".NaN", jsNumber, false},
		{"true", jsBool, false},
		{"FALSE", jsBool, false},
		{"", jsNull, false},
		{"~", jsNull, false},
		{"Null", jsNull, false},
		{"[a]", jsArray, false},
		{"{a: 1}", jsObject, false},
		{"{$text: ./api.yaml}", jsString, true},
		{"{$json: ./api.json}", jsDeferred, false},
		{"{$yaml: ./api.yaml}", jsDeferred, false},
		{"{$text: 5}", jsObject, false},                // not a string value: left alone
		{"{$text: a, other: b}", jsObject, false},      // more than one key: left alone
		{"{$ref: '#/definitions/x'}", jsObject, false}, // unknown resolver: left alone
	}
	for _, tt := range tests {
		got, opaque := typeOf(valueNode(t, tt.src))
		if got != tt.want || opaque != tt.opaque {
			t.Errorf("typeOf(%q) = %v, %v; want %v, %v", tt.src, got, opaque, tt.want, tt.opaque)
		}
	}
}

func TestJSKey(t *testing.T) {
	tests := []struct{ src, want string }{
		{"name", "name"},
		{`"1.0"`, "1.0"},
		{"1.0", "1"},
		{"0x1F", "31"},
		{"1e21", "1e+21"},
		{"1.5e-7", "1.5e-7"},
		{".inf", "Infinity"},
		{"-.inf", "-Infinity"},
		{"True", "true"},
		{"~", ""},
		{"<<", "<<"},
	}
	for _, tt := range tests {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(tt.src+": x\n"), &doc); err != nil {
			t.Fatalf("parse %q: %v", tt.src, err)
		}
		if got := jsKey(doc.Content[0].Content[0]); got != tt.want {
			t.Errorf("jsKey(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}
