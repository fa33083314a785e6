package gitx

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	tests := []struct {
		raw, shown, clean string
		hidden            []string // must not survive scrub
		kept              []string // must survive scrub
	}{
		{
			raw:    "https://oauth2:glpat-xyz123@gitlab.example.com/group/repo.git",
			shown:  "https://***@gitlab.example.com/group/repo.git",
			clean:  "https://gitlab.example.com/group/repo.git",
			hidden: []string{"glpat-xyz123", "oauth2"},
			kept:   []string{"gitlab.example.com/group/repo.git"},
		},
		{
			raw:    "https://ghp_tokenAsUser@github.com/o/r",
			shown:  "https://***@github.com/o/r",
			clean:  "https://github.com/o/r",
			hidden: []string{"ghp_tokenAsUser"},
		},
		{
			raw:    "http://u:p%40ss%2Fword@host:8080/r.git",
			shown:  "http://***@host:8080/r.git",
			clean:  "http://host:8080/r.git",
			hidden: []string{"p%40ss%2Fword", "p@ss/word", "u:p%40ss%2Fword"},
		},
		{
			raw:   "https://git@host/r.git", // too short to be a token
			shown: "https://***@host/r.git",
			clean: "https://host/r.git",
			kept:  []string{"git-upload-pack"},
		},
		{
			raw:   "ssh://git@host/r.git",
			shown: "ssh://git@host/r.git",
			clean: "ssh://git@host/r.git",
			kept:  []string{"git"},
		},
		{
			raw:    "ssh://deploy:hunter22@host/r.git",
			shown:  "ssh://***@host/r.git",
			clean:  "ssh://deploy@host/r.git",
			hidden: []string{"hunter22"},
		},
		{raw: "git@gitlab.example.com:group/repo.git", shown: "git@gitlab.example.com:group/repo.git", clean: "git@gitlab.example.com:group/repo.git"},
		{raw: "/srv/git/repo.git", shown: "/srv/git/repo.git", clean: "/srv/git/repo.git"},
		{raw: "https://host/path@v1", shown: "https://host/path@v1", clean: "https://host/path@v1"},
		{
			raw:    "https://us er:pa ss@host/r", // does not parse; still redacted
			shown:  "https://***@host/r",
			clean:  "https://host/r",
			hidden: []string{"pa ss", "us er:pa ss"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			r := redactURL(tt.raw)
			if r.shown != tt.shown || r.clean != tt.clean {
				t.Errorf("shown, clean = %q, %q; want %q, %q", r.shown, r.clean, tt.shown, tt.clean)
			}
			for _, s := range tt.hidden {
				if got := r.scrub("before " + s + " after"); strings.Contains(got, s) {
					t.Errorf("scrub left %q in %q", s, got)
				}
			}
			for _, s := range tt.kept {
				if got := r.scrub(s); got != s {
					t.Errorf("scrub changed %q to %q", s, got)
				}
			}
		})
	}
}

func TestScrubErrorKeepsChain(t *testing.T) {
	r := redactURL("https://user:secret@host/r")
	err := r.scrubError(&fs.PathError{Op: "get", Path: "https://user:secret@host/r", Err: fs.ErrPermission})
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("message leaks: %s", err)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Error("errors.Is lost the wrapped error")
	}
	if redactURL("/local/path").scrubError(fs.ErrNotExist) != fs.ErrNotExist {
		t.Error("an error with nothing to scrub should be returned as is")
	}
}

func TestLocalRepoPath(t *testing.T) {
	tests := []struct {
		in, path string
		local    bool
	}{
		{"/srv/repo.git", "/srv/repo.git", true},
		{"./repo", "./repo", true},
		{"repo", "repo", true},
		{"./dir:with/colon", "./dir:with/colon", true},
		{`C:\repos\x`, `C:\repos\x`, true},
		{"file:///srv/repo.git", "/srv/repo.git", true},
		{"file:///srv/with%20space", "/srv/with space", true},
		{"git@host:group/repo.git", "", false},
		{"host:repo", "", false},
		{"https://host/repo.git", "", false},
		{"ssh://git@host/repo.git", "", false},
	}
	for _, tt := range tests {
		path, local := localRepoPath(tt.in)
		if local != tt.local || path != tt.path {
			t.Errorf("localRepoPath(%q) = %q, %v; want %q, %v", tt.in, path, local, tt.path, tt.local)
		}
	}
}
