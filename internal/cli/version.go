package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/iostreams"
)

// VersionInfo is what `platform version --json` prints. The field order is the
// output order and is part of the documented interface: add fields at the end.
type VersionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"goVersion"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
}

// NewVersionInfo describes this binary: the stamped build information (the
// version falls back to the module version or "dev", as in --version) and the
// Go toolchain and platform it was built for.
func NewVersionInfo(b BuildInfo) VersionInfo {
	return VersionInfo{
		// Without a commit, versionString is the bare version with its fallbacks.
		Version:   versionString(BuildInfo{Version: b.Version}),
		Commit:    b.Commit,
		Date:      b.Date,
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS,
		Arch:      runtime.GOARCH,
	}
}

// VersionOptions are the inputs of `platform version`.
type VersionOptions struct {
	IO    *iostreams.IOStreams
	Build BuildInfo

	JSON bool
}

func newVersionCmd(f *Factory, runF func(context.Context, *VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of platform",
		Long: `Print the version of platform, with the commit and build date of a release build.

With --json, print {version, commit, date, goVersion, os, arch} as one JSON
object; commit and date are empty in a development build.`,
		Example: `  platform version
  platform version --json | jq -r .version`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IO, opts.Build = f.IOStreams, f.Build
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVersion(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print {version, commit, date, goVersion, os, arch} as JSON")
	return cmd
}

func runVersion(_ context.Context, opts *VersionOptions) error {
	if opts.JSON {
		return writeJSON(opts.IO.Out, NewVersionInfo(opts.Build))
	}
	_, err := fmt.Fprintf(opts.IO.Out, "platform %s\n", versionString(opts.Build))
	return err
}
