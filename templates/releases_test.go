package templates_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

// TestReleaseArchives: the current version of every embedded template has a
// release archive holding exactly that template. A template changed without
// a new spec.version fails here, saying to bump it and run
// `make templates-release`.
func TestReleaseArchives(t *testing.T) {
	if err := scaffold.CheckReleases(templates.FS, templates.Releases); err != nil {
		t.Fatal(err)
	}
}

// TestReleaseArchivesRender: each template's current version, loaded from
// its archive (as an update loads an older version), renders exactly what the
// live template renders.
func TestReleaseArchivesRender(t *testing.T) {
	r := &scaffold.Resolver{Embedded: templates.FS, Releases: templates.Releases}
	names, err := r.EmbeddedNames()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			live, err := r.Resolve(t.Context(), name)
			if err != nil {
				t.Fatal(err)
			}
			version := live.Manifest.Spec.Version
			versions, err := r.EmbeddedVersions(name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(versions, version) {
				t.Fatalf("released versions %v lack the current %s", versions, version)
			}
			archived, err := r.EmbeddedVersion(name, version)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(archived.Manifest, live.Manifest) || archived.Source != live.Source {
				t.Error("the archived manifest or source differs from the live one")
			}
			variants := []scaffold.Inputs{{Name: "payments", Owner: "group:payments"}}
			if live.Manifest.Parameter("database") != nil {
				variants = append(variants, scaffold.Inputs{Name: "orders", Owner: "group:orders", Sets: []string{"database=postgres"}})
			}
			for _, in := range variants {
				values, err := scaffold.Collect(live.Manifest, in)
				if err != nil {
					t.Fatal(err)
				}
				opts := scaffold.RenderOptions{PlatformVersion: "test"}
				want, err := scaffold.Render(t.Context(), live, values, opts)
				if err != nil {
					t.Fatal(err)
				}
				got, err := scaffold.Render(t.Context(), archived, values, opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Files) != len(want.Files) {
					t.Fatalf("%s: archive renders %d files, live template %d", in.Name, len(got.Files), len(want.Files))
				}
				for i := range want.Files {
					if !reflect.DeepEqual(got.Files[i], want.Files[i]) {
						t.Errorf("%s: %s renders differently from the archive", in.Name, want.Files[i].Path)
					}
				}
			}
		})
	}
}
