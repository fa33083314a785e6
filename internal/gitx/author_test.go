package gitx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envMap is a getenv backed by a map, so tests never see the real environment.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestResolveAuthorLayers(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".gitconfig"), "[user]\n\tname = Config Name\n\temail = config@example.com\n")

	tests := []struct {
		name string
		env  map[string]string
		want Author
	}{
		{
			name: "platform variables win",
			env: map[string]string{
				"PLATFORM_GIT_AUTHOR_NAME": "Platform", "PLATFORM_GIT_AUTHOR_EMAIL": "platform@example.com",
				"GIT_AUTHOR_NAME": "Git", "GIT_AUTHOR_EMAIL": "git@example.com",
				"GITLAB_USER_NAME": "GitLab", "GITLAB_USER_EMAIL": "gitlab@example.com",
			},
			want: Author{"Platform", "platform@example.com"},
		},
		{
			name: "git variables beat config",
			env:  map[string]string{"GIT_AUTHOR_NAME": "Git", "GIT_AUTHOR_EMAIL": "git@example.com"},
			want: Author{"Git", "git@example.com"},
		},
		{
			name: "config beats GitLab CI",
			env:  map[string]string{"GITLAB_USER_NAME": "GitLab", "GITLAB_USER_EMAIL": "gitlab@example.com"},
			want: Author{"Config Name", "config@example.com"},
		},
		{
			name: "fields resolve independently",
			env:  map[string]string{"PLATFORM_GIT_AUTHOR_NAME": "Platform", "GIT_AUTHOR_EMAIL": "git@example.com"},
			want: Author{"Platform", "git@example.com"},
		},
		{
			name: "field missing from env falls to config",
			env:  map[string]string{"GIT_AUTHOR_NAME": "Git"},
			want: Author{"Git", "config@example.com"},
		},
		{
			name: "blank values count as unset",
			env:  map[string]string{"PLATFORM_GIT_AUTHOR_NAME": "  ", "GIT_AUTHOR_NAME": "Git"},
			want: Author{"Git", "config@example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["HOME"] = home
			got, err := ResolveAuthor(envMap(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolveAuthorGitLabFallback(t *testing.T) {
	got, err := ResolveAuthor(envMap(map[string]string{
		"HOME":             t.TempDir(), // no config at all
		"GITLAB_USER_NAME": "GitLab", "GITLAB_USER_EMAIL": "gitlab@example.com",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Author{"GitLab", "gitlab@example.com"}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestResolveAuthorConfigFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // relative to HOME
		env   map[string]string // HOME is added; values may use $HOME
		want  Author
	}{
		{
			name: "~/.gitconfig overrides the XDG file, per key",
			files: map[string]string{
				".gitconfig":         "[user]\n\tname = Home Name\n",
				"xdg/git/config":     "[user]\n\tname = XDG Name\n\temail = xdg@example.com\n",
				".config/git/config": "[user]\n\tname = Unused\n\temail = unused@example.com\n",
			},
			env:  map[string]string{"XDG_CONFIG_HOME": "$HOME/xdg"},
			want: Author{"Home Name", "xdg@example.com"},
		},
		{
			name:  "XDG defaults to ~/.config",
			files: map[string]string{".config/git/config": "[user]\n\tname = Dot Config\n\temail = dot@example.com\n"},
			want:  Author{"Dot Config", "dot@example.com"},
		},
		{
			name: "author.* beats user.*",
			files: map[string]string{
				".gitconfig": "[author]\n\temail = author@example.com\n[user]\n\tname = User\n\temail = user@example.com\n",
			},
			want: Author{"User", "author@example.com"},
		},
		{
			name: "later value in a file wins; keys are case-insensitive",
			files: map[string]string{
				".gitconfig": "[user]\n\tname = First\n\temail = first@example.com\n[User]\n\tName = Second\n",
			},
			want: Author{"Second", "first@example.com"},
		},
		{
			name: "include.path is read in place",
			files: map[string]string{
				".gitconfig":         "[user]\n\tname = Before\n\temail = before@example.com\n[include]\n\tpath = .gitconfig.local\n[user]\n\temail = after@example.com\n",
				".gitconfig.local":   "[user]\n\tname = Included\n\temail = included@example.com\n[include]\n\tpath = ~/nested.inc\n",
				"nested.inc":         "[user]\n\tname = Nested\n",
				".config/git/config": "",
			},
			want: Author{"Nested", "after@example.com"},
		},
		{
			name: "includeIf is ignored",
			files: map[string]string{
				".gitconfig": "[user]\n\tname = Plain\n\temail = plain@example.com\n[includeIf \"gitdir:~/work/\"]\n\tpath = work.inc\n",
				"work.inc":   "[user]\n\temail = work@example.com\n",
			},
			want: Author{"Plain", "plain@example.com"},
		},
		{
			name: "GIT_CONFIG_GLOBAL replaces the global files",
			files: map[string]string{
				".gitconfig": "[user]\n\tname = Home\n\temail = home@example.com\n",
				"other.cfg":  "[user]\n\tname = Other\n\temail = other@example.com\n",
			},
			env:  map[string]string{"GIT_CONFIG_GLOBAL": "$HOME/other.cfg"},
			want: Author{"Other", "other@example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, filepath.Join(home, name), content)
			}
			env := map[string]string{"HOME": home}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "$HOME", home)
			}
			got, err := ResolveAuthor(envMap(env))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolveAuthorUsesGetenvHome(t *testing.T) {
	// The process HOME has an identity; the getenv HOME does not. Only the
	// latter may be consulted.
	procHome := t.TempDir()
	writeFile(t, filepath.Join(procHome, ".gitconfig"), "[user]\n\tname = Process\n\temail = process@example.com\n")
	t.Setenv("HOME", procHome)
	t.Setenv("XDG_CONFIG_HOME", "")

	_, err := ResolveAuthor(envMap(map[string]string{"HOME": t.TempDir()}))
	if !errors.Is(err, ErrNoAuthor) {
		t.Fatalf("got %v, want ErrNoAuthor", err)
	}
	_, err = ResolveAuthor(envMap(nil)) // no HOME at all: no config files
	if !errors.Is(err, ErrNoAuthor) {
		t.Fatalf("without HOME: got %v, want ErrNoAuthor", err)
	}
}

func TestResolveAuthorErrNoAuthor(t *testing.T) {
	_, err := ResolveAuthor(envMap(map[string]string{"HOME": t.TempDir()}))
	if err != ErrNoAuthor {
		t.Fatalf("got %v, want ErrNoAuthor itself", err)
	}
	for _, hint := range []string{"git config --global user.name", "git config --global user.email", "PLATFORM_GIT_AUTHOR_NAME", "PLATFORM_GIT_AUTHOR_EMAIL"} {
		if !strings.Contains(err.Error(), hint) {
			t.Errorf("message %q lacks hint %q", err, hint)
		}
	}

	_, err = ResolveAuthor(envMap(map[string]string{"HOME": t.TempDir(), "GIT_AUTHOR_NAME": "Only Name"}))
	if !errors.Is(err, ErrNoAuthor) {
		t.Fatalf("got %v, want ErrNoAuthor", err)
	}
	if !strings.Contains(err.Error(), "email is not set") {
		t.Errorf("message %q does not say the email is missing", err)
	}
}

func TestResolveAuthorBrokenConfig(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	writeFile(t, cfg, "[user\n\tname = broken\n")

	_, err := ResolveAuthor(envMap(map[string]string{"HOME": home}))
	if err == nil || !strings.Contains(err.Error(), cfg) {
		t.Fatalf("got %v, want an error naming %s", err, cfg)
	}
	// A complete environment never needs the file.
	got, err := ResolveAuthor(envMap(map[string]string{"HOME": home, "GIT_AUTHOR_NAME": "N", "GIT_AUTHOR_EMAIL": "e@example.com"}))
	if err != nil || got != (Author{"N", "e@example.com"}) {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestResolveAuthorIncludeCycle(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".gitconfig"), "[include]\n\tpath = .gitconfig\n")
	_, err := ResolveAuthor(envMap(map[string]string{"HOME": home}))
	if err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("got %v, want an include depth error", err)
	}
}
