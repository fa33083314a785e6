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
	// Releases holds the release archive of every released version of the
	// embedded templates (templates.Releases), for platform update.
	Releases fs.FS
	// Config is loaded by the root command before any command runs; for a
	// command that works in a service repository (inService), with its
	// platform.yaml as a layer.
	Config *config.Config
	// Debug is --debug: the configuration files read and HTTP traces, on stderr.
	Debug bool

	// global are the root command's flags, for the settings inService loads.
	global *globalOptions
}

// Resolver returns the template resolver for this run.
func (f *Factory) Resolver() (*scaffold.Resolver, error) {
	cache, err := config.CacheDir(f.Getenv)
	if err != nil {
		return nil, err
	}
	return &scaffold.Resolver{Embedded: f.Templates, Releases: f.Releases, CacheDir: cache, Clone: gitx.Clone}, nil
}

// GitLabTarget is the one resolver of which GitLab, which project and which
// git remote a command works with, for its --gitlab-url and --project.
func (f *Factory) GitLabTarget(opts GitLabOptions) config.GitLabTarget {
	return config.GitLabTarget{URLFlag: opts.URL, ProjectFlag: opts.Project, Getenv: f.Getenv, Config: f.Config}
}

// GitLab connects to the GitLab at url (GitLabTarget(...).URL()) with the
// token from the environment. Every GitLab error it returns maps to its exit
// code in Run, without any wrapping by the command: a missing or refused
// token exits 4, any other GitLab failure 3.
func (f *Factory) GitLab(url string) (*GitLab, error) {
	return f.connectGitLab(url, false)
}
