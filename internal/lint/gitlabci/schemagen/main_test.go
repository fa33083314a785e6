package main

import (
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSchemaFromBundle(t *testing.T) {
	bundle := `var a=1;var Sn={$schema:"http://json-schema.org/draft-07/schema#",` + schemaID +
		`,"!reference":{type:"array"},d:{x:!0,y:!1,n:null,num:-1.5,e:[],s:'it\'s',u:"\u00e9\x41",p:"^\\w+$"}};function f(){}`
	got, err := schemaFromBundle([]byte(bundle))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(got, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	d := v["d"].(map[string]any)
	if d["x"] != true || d["y"] != false || d["n"] != nil || d["num"] != -1.5 || d["s"] != "it's" || d["u"] != "éA" || d["p"] != `^\w+$` {
		t.Errorf("values: %v", d)
	}
	if _, ok := v["!reference"]; !ok {
		t.Errorf("quoted key lost: %s", got)
	}
	// Source order is kept: $schema first, as GitLab writes it.
	if !strings.HasPrefix(string(got), "{\n  \"$schema\"") {
		t.Errorf("order not kept:\n%s", got)
	}
}

func TestSchemaFromBundleRejects(t *testing.T) {
	for _, bundle := range []string{
		"var x={a:1}",                       // no schema
		"var Sn={" + schemaID + ",a:foo}",   // a variable
		"var Sn={" + schemaID + ",a:\"x",    // unterminated
		"var Sn={" + schemaID + ",a:[1,2}}", // mismatched
	} {
		if _, err := schemaFromBundle([]byte(bundle)); err == nil {
			t.Errorf("%q: no error", bundle)
		}
	}
}

func TestCheckIntegrity(t *testing.T) {
	data := []byte("tarball")
	sum := sha512.Sum512(data)
	if err := checkIntegrity(data, "sha512-"+base64.StdEncoding.EncodeToString(sum[:])); err != nil {
		t.Error(err)
	}
	if err := checkIntegrity([]byte("other"), "sha512-"+base64.StdEncoding.EncodeToString(sum[:])); err == nil {
		t.Error("a changed tarball passed")
	}
}

// The committed schema is the one the pinned package holds, unedited: so
// `make generate` has nothing to download.
func TestCommittedSchemaIsCurrent(t *testing.T) {
	dir := filepath.Join("..", "schema")
	if !current(dir, source()) {
		t.Fatal("internal/lint/gitlabci/schema/ci.json does not match source.json: run `go generate ./internal/lint/gitlabci/` (network: the npm registry)")
	}
	if current(t.TempDir(), source()) {
		t.Fatal("an empty directory counts as current")
	}
	// A hand-edited ci.json is not current.
	edited := t.TempDir()
	for _, name := range []string{"ci.json", "source.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "ci.json" {
			data = append(data, ' ')
		}
		if err := os.WriteFile(filepath.Join(edited, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if current(edited, source()) {
		t.Fatal("an edited ci.json counts as current")
	}
}
