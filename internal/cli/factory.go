package cli

import (
	"io/fs"
	"time"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/scaffold"
)

// BuildInfo is stamped into the binary at release time.
type BuildInfo struct {
	Version string
	Commit  string
	Date    string
}

// Factory holds what commands need, built once per run, so tests can swap each part.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Getenv    func(string) string
	Now       func() time.Time
	Build     BuildInfo
	// Templates holds the embedded templates, one directory each.
	Templates fs.FS
	// Config is loaded by the root command before any command runs.
	Config *config.Config
}

// Resolver returns the template resolver for this run.
func (f *Factory) Resolver() (*scaffold.Resolver, error) {
	cache, err := config.CacheDir(f.Getenv)
	if err != nil {
		return nil, err
	}
	return &scaffold.Resolver{Embedded: f.Templates, CacheDir: cache, Clone: gitx.Clone}, nil
}
