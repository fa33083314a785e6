// Package config owns the CLI's settings. Load layers them (flags >
// PLATFORM_* environment > the service repo's platform.yaml > the user's
// config file > defaults) into a typed Config, which carries the service's
// platform.yaml, parsed, as Config.Service; a fresh viper is made for every
// load. GitLabTarget decides, with the precedence written once, which GitLab,
// which project and which git remote a command works with.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/platform-team/platform/internal/iostreams"
)

// DefaultAnnotationPrefix is the domain our own Kubernetes and catalog annotations live
// under. Each organisation owns its domain, so it is configurable (annotationPrefix).
const DefaultAnnotationPrefix = "platform.example.com"

// DefaultTemplate is the golden path used when no template is named.
const DefaultTemplate = "go-service"

// Config is the typed result of layering every source.
type Config struct {
	// NoColor turns off ANSI colors (--no-color, PLATFORM_NO_COLOR, NO_COLOR).
	NoColor bool `mapstructure:"nocolor"`
	// Template is the template `new service` uses without -t.
	Template string `mapstructure:"template"`
	// AnnotationPrefix is the domain of the organisation's own annotations.
	AnnotationPrefix string `mapstructure:"annotationprefix"`
	// Accessible asks questions as plain line prompts (screen readers, scripts).
	Accessible bool `mapstructure:"accessible"`
	// GitLab holds the file layers of the GitLab settings: the user config's
	// gitlab.url and gitlab.project. Flags and environment variables are
	// layered over them, with platform.yaml's project, by GitLabTarget.
	GitLab GitLab `mapstructure:"gitlab"`

	// UserFile is the user config file that was read, "" when there was none.
	UserFile string `mapstructure:"-"`
	// ServiceFile is the platform.yaml that was read, "" when there was none.
	ServiceFile string `mapstructure:"-"`
	// Service is the service repository's platform.yaml, empty (never nil)
	// when there is none or it could not be read.
	Service *Service `mapstructure:"-"`
	// ServiceErr is why platform.yaml could not be read, nil when it was read
	// or there is none (for an explicit LoadOptions.ServiceFile, a missing file
	// is an error wrapping fs.ErrNotExist). Each command decides what a broken
	// platform.yaml means for it: lint refuses to run, catalog warns, doctor
	// reports it.
	ServiceErr error `mapstructure:"-"`
}

// GitLab holds the GitLab settings that are not secrets. Tokens are read from
// the environment only, never from a config file.
type GitLab struct {
	URL     string `mapstructure:"url"`
	Project string `mapstructure:"project"`
}

// key binds one setting to its config-file key, its environment variable and,
// where there is one, the flag that overrides it.
type key struct {
	name string // viper key, as written in config files (case-insensitive)
	env  string
	flag string
	// command is the only command whose flag it is ("" for every command
	// that has the flag): other commands may use the name for another thing.
	command string
}

var keys = []key{
	{name: "noColor", env: "PLATFORM_NO_COLOR", flag: "no-color"},
	{name: "template", env: "PLATFORM_TEMPLATE", flag: "template", command: "platform new service"},
	{name: "annotationPrefix", env: "PLATFORM_ANNOTATION_PREFIX"},
	{name: "accessible", env: "PLATFORM_ACCESSIBLE", flag: "accessible"},
}

// boolKeys are the settings whose environment variables are booleans, read with iostreams.EnvTrue.
var boolKeys = map[string]bool{"noColor": true, "accessible": true}

// LoadOptions says where to look.
type LoadOptions struct {
	// File is an explicit user config file (--config); it must exist.
	File string
	// ServiceDir is searched for platform.yaml; "" skips it.
	ServiceDir string
	// ServiceFile, when set, is read instead of ServiceDir's platform.yaml
	// (platform lint --config FILE); it must exist.
	ServiceFile string
	// Getenv reads the environment.
	Getenv func(string) string
	// Flags are the command's flags; a flag the user set wins over every other layer.
	Flags *pflag.FlagSet
	// Command is the command's path ("platform new service"), for settings
	// that only one command's flag takes.
	Command string
}

// Load layers every source into a Config. It also copies layered values into flags
// the user did not set, so a command reading its flags sees the effective value.
func Load(opts LoadOptions) (*Config, error) {
	v := viper.New()
	v.SetConfigType("yaml")
	v.SetDefault("template", DefaultTemplate)
	v.SetDefault("annotationPrefix", DefaultAnnotationPrefix)
	v.SetDefault("gitlab.url", "")

	cfg := &Config{}
	userFile, err := userConfigFile(opts)
	if err != nil {
		return nil, err
	}
	if userFile != "" {
		if err := mergeFile(v, userFile); err != nil {
			return nil, err
		}
		cfg.UserFile = userFile
	}
	cfg.Service, cfg.ServiceFile, cfg.ServiceErr = loadService(opts.ServiceDir, opts.ServiceFile)
	for _, k := range keys {
		switch val := opts.Getenv(k.env); {
		case val == "":
		case boolKeys[k.name]:
			v.Set(k.name, iostreams.EnvTrue(val))
		default:
			v.Set(k.name, val)
		}
	}
	// https://no-color.org: NO_COLOR set to anything but "" means no color,
	// "0" and "false" included. The one exception to iostreams.EnvTrue.
	if opts.Getenv("NO_COLOR") != "" {
		v.Set("noColor", true)
	}
	if opts.Flags != nil {
		for _, k := range keys {
			f := opts.Flags.Lookup(k.flag)
			if k.flag == "" || f == nil || (k.command != "" && k.command != opts.Command) {
				continue
			}
			if f.Changed {
				v.Set(k.name, f.Value.String())
			} else if v.IsSet(k.name) {
				if err := f.Value.Set(v.GetString(k.name)); err != nil {
					return nil, fmt.Errorf("%s (from %s or config): %w", k.env, k.name, err)
				}
			}
		}
	}
	if err := v.Unmarshal(cfg); err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	if strings.TrimSpace(cfg.AnnotationPrefix) == "" {
		return nil, errors.New("annotationPrefix must not be empty: set it to your organisation's domain, e.g. platform.acme.com")
	}
	return cfg, nil
}

// loadService reads the service layer: file if given (it must exist), else
// dir's platform.yaml if there is one. It returns the parsed file (empty, never
// nil, when there is none or it is broken), the path read, and why it could
// not be read.
func loadService(dir, file string) (*Service, string, error) {
	path := file
	if path == "" {
		if dir == "" {
			return &Service{}, "", nil
		}
		path = filepath.Join(dir, ServiceFileName)
	}
	svc, err := ReadService(path)
	switch {
	case err == nil:
		return svc, path, nil
	case errors.Is(err, fs.ErrNotExist) && file == "":
		return &Service{}, "", nil
	case errors.Is(err, fs.ErrNotExist):
		return &Service{}, "", fmt.Errorf("%s: no such file: %w", file, fs.ErrNotExist)
	default:
		return &Service{}, "", err
	}
}

// LoadService reads dir's platform.yaml alone, for what needs no other
// layer (shell completion, a fresh clone): empty, and path "", when there is
// none.
func LoadService(dir string) (svc *Service, path string, err error) {
	return loadService(dir, "")
}

// userConfigFile returns the user config to read: --config (must exist), else
// $XDG_CONFIG_HOME/platform/config.yaml or ~/.config/platform/config.yaml if present.
func userConfigFile(opts LoadOptions) (string, error) {
	if opts.File != "" {
		if _, err := os.Stat(opts.File); err != nil {
			return "", fmt.Errorf("--config %s: %w", opts.File, err)
		}
		return opts.File, nil
	}
	path := UserConfigPath(opts.Getenv)
	if path == "" {
		return "", nil
	}
	if _, err := os.Stat(path); err != nil {
		return "", nil
	}
	return path, nil
}

// UserConfigPath is where the user config lives, following the XDG base directory spec.
func UserConfigPath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "platform", "config.yaml")
}

// CacheDir is where clones of git templates are kept ($XDG_CACHE_HOME/platform).
func CacheDir(getenv func(string) string) (string, error) {
	dir := getenv("XDG_CACHE_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("cannot find a cache directory: set XDG_CACHE_HOME or HOME")
		}
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, "platform"), nil
}

func mergeFile(v *viper.Viper, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read config %s: %w", path, err)
	}
	defer f.Close()
	if err := v.MergeConfig(f); err != nil {
		return fmt.Errorf("config %s is not valid YAML: %w", path, err)
	}
	return nil
}
