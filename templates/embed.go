// Package templates embeds the golden and silver paths shipped in the binary.
// Each template is a directory holding template.yaml and skeleton/.
package templates

import (
	"embed"
	"io/fs"
)

// FS holds every embedded template at its directory name (go-service, cronjob, ...).
//
//go:embed */template.yaml all:*/skeleton
var FS embed.FS

//go:embed releases
var releases embed.FS

// Releases holds the release archive of every released version of every
// embedded template, at <name>/<version>.tar.gz (scaffold.ArchivePath), so
// that a service made with an older version can be updated offline. `make
// templates-release` adds the archive of each template's current version;
// a test checks that it exists and matches the template.
var Releases = mustSub(releases, "releases")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err) // dir is a constant valid path: fs.Sub cannot fail
	}
	return sub
}
