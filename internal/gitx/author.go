package gitx

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Author is who a commit is attributed to.
type Author struct{ Name, Email string }

// ErrNoAuthor means no commit author could be found in the environment or the
// user's git configuration. Its message says how to set one.
var ErrNoAuthor = errors.New(`no git author configured: run ` +
	`git config --global user.name "Your Name" and ` +
	`git config --global user.email "you@example.com", ` +
	`or set PLATFORM_GIT_AUTHOR_NAME and PLATFORM_GIT_AUTHOR_EMAIL`)

// ResolveAuthor finds the commit author. Each of name and email is taken from
// the first layer that sets it, in this order:
//
//  1. PLATFORM_GIT_AUTHOR_NAME / PLATFORM_GIT_AUTHOR_EMAIL
//  2. GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL
//  3. the global git config (see readGlobalGitConfig): author.name/author.email,
//     else user.name/user.email
//  4. GITLAB_USER_NAME / GITLAB_USER_EMAIL (set in GitLab CI jobs)
//
// Name and email are resolved independently, as git itself does, so they may
// come from different layers. getenv is the only source of environment
// variables (HOME and XDG_CONFIG_HOME included), which keeps tests hermetic;
// nil means os.Getenv. It returns an error wrapping ErrNoAuthor when a field
// is missing everywhere.
func ResolveAuthor(getenv func(string) string) (Author, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	env := func(key string) string { return strings.TrimSpace(getenv(key)) }

	a := Author{
		Name:  firstNonEmpty(env("PLATFORM_GIT_AUTHOR_NAME"), env("GIT_AUTHOR_NAME")),
		Email: firstNonEmpty(env("PLATFORM_GIT_AUTHOR_EMAIL"), env("GIT_AUTHOR_EMAIL")),
	}

	// Only touch the disk when the environment left a gap: a broken
	// ~/.gitconfig should not matter to someone who set both variables.
	if a.Name == "" || a.Email == "" {
		cfg, err := readGlobalGitConfig(getenv)
		if err != nil {
			return Author{}, fmt.Errorf("resolve git author: %w", err)
		}
		a.Name = firstNonEmpty(a.Name, cfg.author.Name, cfg.user.Name)
		a.Email = firstNonEmpty(a.Email, cfg.author.Email, cfg.user.Email)
	}

	a.Name = firstNonEmpty(a.Name, env("GITLAB_USER_NAME"))
	a.Email = firstNonEmpty(a.Email, env("GITLAB_USER_EMAIL"))

	switch {
	case a.Name == "" && a.Email == "":
		return Author{}, ErrNoAuthor
	case a.Name == "":
		return Author{}, fmt.Errorf("git author name is not set (email is %s): %w", a.Email, ErrNoAuthor)
	case a.Email == "":
		return Author{}, fmt.Errorf("git author email is not set (name is %s): %w", a.Name, ErrNoAuthor)
	}
	return a, nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
