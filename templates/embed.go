// Package templates embeds the golden and silver paths shipped in the binary.
// Each template is a directory holding template.yaml and skeleton/.
package templates

import "embed"

// FS holds every embedded template at its directory name (go-service, cronjob, ...).
//
//go:embed */template.yaml all:*/skeleton
var FS embed.FS
