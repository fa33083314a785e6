// Command snapshot adds the release archive of the current version of every
// embedded template that has none yet (`make templates-release`). It never
// rewrites an archive: a template changed without a new spec.version is an
// error saying so.
//
// Usage: go run ./templates/internal/snapshot DIR
package main

import (
	"fmt"
	"os"

	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: snapshot DIR (the templates/releases directory)")
		os.Exit(2)
	}
	written, err := scaffold.SnapshotReleases(templates.FS, os.Args[1])
	for _, w := range written {
		fmt.Printf("wrote %s/%s\n", os.Args[1], w)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if len(written) == 0 {
		fmt.Println("every embedded template's current version is archived")
	}
}
