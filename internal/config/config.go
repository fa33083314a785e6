// Package config layers the CLI's settings: flags > PLATFORM_* environment >
// the service repo's platform.yaml > the user's config file > defaults, and
// hands commands a typed Config. A fresh viper is made for every load.
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
	// GitLab says where GitLab is and which project this repo is.
	GitLab GitLab `mapstructure:"gitlab"`

	// UserFile is the user config file that was read, "" when there was none.
	UserFile string `mapstructure:"-"`
	// ServiceFile is the platform.yaml that was read, "" when there was none.
	ServiceFile string `mapstructure:"-"`
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
}

var keys = []key{
	{name: "noColor", env: "PLATFORM_NO_COLOR", flag: "no-color"},
	{name: "template", env: "PLATFORM_TEMPLATE", flag: "template"},
	{name: "annotationPrefix", env: "PLATFORM_ANNOTATION_PREFIX"},
	{name: "accessible", env: "PLATFORM_ACCESSIBLE", flag: "accessible"},
	{name: "gitlab.url", env: "PLATFORM_GITLAB_URL", flag: "gitlab-url"},
	{name: "gitlab.project", env: "PLATFORM_GITLAB_PROJECT", flag: "project"},
}

// LoadOptions says where to look.
type LoadOptions struct {
	// File is an explicit user config file (--config); it must exist.
	File string
	// ServiceDir is searched for platform.yaml; "" skips it.
	ServiceDir string
	// Getenv reads the environment.
	Getenv func(string) string
	// Flags are the command's flags; a flag the user set wins over every other layer.
	Flags *pflag.FlagSet
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
	if opts.ServiceDir != "" {
		path := filepath.Join(opts.ServiceDir, ServiceFileName)
		svc, err := ReadService(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			if svc.GitLab.Project != "" {
				v.Set("gitlab.project", svc.GitLab.Project)
			}
			cfg.ServiceFile = path
		}
	}
	for _, k := range keys {
		if val := opts.Getenv(k.env); val != "" {
			v.Set(k.name, val)
		}
	}
	if opts.Getenv("NO_COLOR") != "" {
		v.Set("noColor", true)
	}
	if opts.Flags != nil {
		for _, k := range keys {
			f := opts.Flags.Lookup(k.flag)
			if k.flag == "" || f == nil {
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
