// Command schemagen vendors GitLab's CI JSON schema (ci.json, from the GitLab
// repository's app/assets/javascripts/editor/schema/, MIT licensed) for the
// gitlab-ci/schema lint rule.
//
// This machine's network reaches the npm registry, not gitlab.com, so the
// schema is taken from the npm package gitlab-ci-local, which bundles GitLab's
// ci.json unchanged into dist/index.js. The package version and its tarball's
// integrity are pinned below: the program downloads that tarball, checks it,
// finds the schema's object literal and writes it as JSON, with a source file
// recording where it came from.
//
//	go generate ./internal/lint/gitlabci/   (make generate)
//
// When the committed ci.json already matches the pinned source it does
// nothing, so `make generate` stays offline. To move to a newer schema, set
// the package version and integrity (`npm view gitlab-ci-local@X
// dist.integrity`), run it, and read the diff of ci.json.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// The pinned source of the schema.
const (
	packageName    = "gitlab-ci-local"
	packageVersion = "4.75.1"
	integrity      = "sha512-ArmGX576uKqTgs4PMCH3FNPED+JhxDLb2Ocb893+aY88RA2sx9gP6L7GvpuHQJkFJRvA5KSq9fD0yyRLaLEydw=="
	bundlePath     = "package/dist/index.js"
	// schemaID is the $id of GitLab's ci.json: the literal that holds it is the schema.
	schemaID = `$id:"https://gitlab.com/.gitlab-ci.yml"`
)

// Source is the provenance file written beside ci.json.
type Source struct {
	Schema    string `json:"schema"`
	License   string `json:"license"`
	Package   string `json:"package"`
	Version   string `json:"version"`
	Tarball   string `json:"tarball"`
	Integrity string `json:"integrity"`
	// SHA256 is the hex SHA-256 of the ci.json written.
	SHA256 string `json:"sha256"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("schemagen", flag.ContinueOnError)
	dir := fs.String("dir", "schema", "directory of ci.json and source.json")
	force := fs.Bool("force", false, "download even when ci.json matches the pinned source")
	if err := fs.Parse(args); err != nil {
		return err
	}
	want := source()
	if !*force && current(*dir, want) {
		return nil
	}
	tgz, err := download(want.Tarball)
	if err != nil {
		return err
	}
	if err := checkIntegrity(tgz, want.Integrity); err != nil {
		return err
	}
	bundle, err := extract(tgz, bundlePath)
	if err != nil {
		return err
	}
	schema, err := schemaFromBundle(bundle)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(schema)
	want.SHA256 = hex.EncodeToString(sum[:])
	meta, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*dir, "ci.json"), schema, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(*dir, "source.json"), append(meta, '\n'), 0o644)
}

func source() Source {
	return Source{
		Schema:    "https://gitlab.com/gitlab-org/gitlab/-/blob/master/app/assets/javascripts/editor/schema/ci.json",
		License:   "MIT (GitLab)",
		Package:   packageName,
		Version:   packageVersion,
		Tarball:   fmt.Sprintf("https://registry.npmjs.org/%s/-/%s-%s.tgz", packageName, packageName, packageVersion),
		Integrity: integrity,
	}
}

// current reports whether dir holds the schema of the pinned source, unchanged.
func current(dir string, want Source) bool {
	meta, err := os.ReadFile(filepath.Join(dir, "source.json"))
	if err != nil {
		return false
	}
	var have Source
	if json.Unmarshal(meta, &have) != nil || have.Integrity != want.Integrity {
		return false
	}
	schema, err := os.ReadFile(filepath.Join(dir, "ci.json"))
	if err != nil {
		return false
	}
	sum := sha256.Sum256(schema)
	return hex.EncodeToString(sum[:]) == have.SHA256
}

func download(url string) ([]byte, error) {
	client := &http.Client{Timeout: 2 * time.Minute}
	resp, err := client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", url, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}

// checkIntegrity checks data against an npm integrity string (sha512-BASE64).
func checkIntegrity(data []byte, want string) error {
	sum := sha512.Sum512(data)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("tarball integrity %s, want %s", got, want)
	}
	return nil
}

// extract returns one file of a gzipped tarball.
func extract(tgz []byte, name string) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s is not in the package", name)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == name {
			return io.ReadAll(io.LimitReader(tr, 256<<20))
		}
	}
}

// schemaFromBundle finds the object literal holding the schema's $id in a
// JavaScript bundle and returns it as indented JSON.
func schemaFromBundle(bundle []byte) ([]byte, error) {
	at := bytes.Index(bundle, []byte(schemaID))
	if at < 0 {
		return nil, errors.New("the bundle holds no GitLab CI schema")
	}
	start := bytes.LastIndexByte(bundle[:at], '{')
	if start < 0 {
		return nil, errors.New("the schema literal has no start")
	}
	v, err := parseLiteral(bundle[start:])
	if err != nil {
		return nil, fmt.Errorf("the schema literal: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
