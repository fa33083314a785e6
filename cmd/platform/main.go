// Command platform is the terminal and CI face of the internal developer platform.
package main

import (
	"os"

	"github.com/platform-team/platform/internal/cli"
)

// Stamped by the release build (-ldflags -X main.version=...).
var (
	version string
	commit  string
	date    string
)

func main() {
	os.Exit(cli.Main(cli.BuildInfo{Version: version, Commit: commit, Date: date}))
}
