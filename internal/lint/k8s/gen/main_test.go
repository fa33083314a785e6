package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The committed schema.json is what the generator makes from the k8s.io/api in
// go.mod: after a version bump, run `go generate ./internal/lint/k8s/`.
func TestSchemaIsFresh(t *testing.T) {
	out := filepath.Join(t.TempDir(), "schema.json")
	if err := run([]string{"-o", out}); err != nil {
		t.Fatal(err)
	}
	fresh, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("..", "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		t.Fatal("internal/lint/k8s/schema.json is stale: run `go generate ./internal/lint/k8s/`")
	}
}
