package redact

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct {
		raw, shown, clean string
	}{
		{"https://oauth2:glpat-xyz123@gitlab.example.com/group/repo.git", "https://***@gitlab.example.com/group/repo.git", "https://gitlab.example.com/group/repo.git"},
		{"https://ghp_tokenAsUser@github.com/o/r", "https://***@github.com/o/r", "https://github.com/o/r"},
		{"http://u:p%40ss%2Fword@host:8080/r.git", "http://***@host:8080/r.git", "http://host:8080/r.git"},
		// a % that is no valid escape: net/url refuses it, we do not
		{"https://oauth2:glpat-%zzX@127.0.0.1:1/g/t.git", "https://***@127.0.0.1:1/g/t.git", "https://127.0.0.1:1/g/t.git"},
		{"https://oauth2:glpat-%@host", "https://***@host", "https://host"},
		// a space in the password
		{"https://us er:pa ss@host/r", "https://***@host/r", "https://host/r"},
		// unescaped "/", "#" and "?" in the password
		{"https://u:pa/ss@host/r", "https://***@host/r", "https://host/r"},
		{"https://u:p#ss@host/r", "https://***@host/r", "https://host/r"},
		{"https://u:p?ss@host/r", "https://***@host/r", "https://host/r"},
		// missing host
		{"https://u:secret@/path", "https://***@/path", "https:///path"},
		{"https://u:secret@", "https://***@", "https://"},
		// IPv6
		{"https://u:secret@[::1]:8443/g/p.git", "https://***@[::1]:8443/g/p.git", "https://[::1]:8443/g/p.git"},
		{"https://[::1]:8443/g/p.git", "https://[::1]:8443/g/p.git", "https://[::1]:8443/g/p.git"},
		// ssh: a plain user stays, a password does not
		{"ssh://git@host/r.git", "ssh://git@host/r.git", "ssh://git@host/r.git"},
		{"ssh://deploy:hunter22@host/r.git", "ssh://***@host/r.git", "ssh://deploy@host/r.git"},
		// scp-like
		{"git@gitlab.example.com:group/repo.git", "git@gitlab.example.com:group/repo.git", "git@gitlab.example.com:group/repo.git"},
		{"deploy:hunter22@gitlab.example.com:group/repo.git", "***@gitlab.example.com:group/repo.git", "deploy@gitlab.example.com:group/repo.git"},
		// query secrets, any case, percent-encoded names; other parameters kept
		{"https://host/g/p.git?private_token=glpat-Q&ref=main", "https://host/g/p.git?private_token=***&ref=main", "https://host/g/p.git?ref=main"},                                                                                                                                                // platform:allow-secret: a fixture of the redaction
		{"https://host/x?PRIVATE_TOKEN=a&Access_Token=b&job_token=c&token=d&password=e&secret=f&api_key=g&sig=h&X-Amz-Signature=i", "https://host/x?PRIVATE_TOKEN=***&Access_Token=***&job_token=***&token=***&password=***&secret=***&api_key=***&sig=***&X-Amz-Signature=***", "https://host/x"}, // platform:allow-secret: a fixture of the redaction
		{"https://host/x?private%5Ftoken=glpat-Q", "https://host/x?private%5Ftoken=***", "https://host/x"},
		{"https://host/x?a=1;token=2", "https://host/x?a=1&token=***", "https://host/x?a=1"},
		// fragments
		{"https://host/cb#access_token=abc&state=1", "https://host/cb#access_token=***&state=1", "https://host/cb#access_token=***&state=1"},
		{"https://host/docs#install", "https://host/docs#install", "https://host/docs#install"},
		// nothing to hide
		{"/srv/git/repo.git", "/srv/git/repo.git", "/srv/git/repo.git"},
		{"./a@b", "./a@b", "./a@b"},
		{"https://host/path@v1", "https://host/path@v1", "https://host/path@v1"},
		{"https://host:8443/g/p.git//sub@v1.2", "https://host:8443/g/p.git//sub@v1.2", "https://host:8443/g/p.git//sub@v1.2"},
		{"", "", ""},
		{"not a url", "not a url", "not a url"},
		{"https://", "https://", "https://"},
		{"://u:p@host", "://u:p@host", "://u:p@host"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := URL(tt.raw); got != tt.shown {
				t.Errorf("URL = %q, want %q", got, tt.shown)
			}
			if got := Clean(tt.raw); got != tt.clean {
				t.Errorf("Clean = %q, want %q", got, tt.clean)
			}
		})
	}
}

func TestSecretsAndScrub(t *testing.T) {
	tests := []struct {
		raw    string
		hidden []string // must not survive Scrub
		kept   []string // must survive Scrub
	}{
		{"https://oauth2:glpat-xyz123@gitlab.example.com/group/repo.git", []string{"glpat-xyz123", "oauth2:glpat-xyz123"}, []string{"gitlab.example.com/group/repo.git"}},
		{"http://u:p%40ss%2Fword@host:8080/r.git", []string{"p%40ss%2Fword", "p@ss/word", "u:p%40ss%2Fword"}, nil},
		{"https://git@host/r.git", nil, []string{"git-upload-pack"}},
		{"https://us er:pa ss@host/r", []string{"pa ss", "us er:pa ss", "pa+ss", "pa%20ss"}, nil},
		{"https://host/x?private_token=glpat-Q1&ref=main", []string{"glpat-Q1"}, []string{"main"}}, // platform:allow-secret: a fixture of the redaction
		{"https://oauth2:glpat-%zzX@host", []string{"glpat-%zzX"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			secrets := Secrets(tt.raw)
			for _, s := range tt.hidden {
				if got := Scrub("before "+s+" after", secrets...); strings.Contains(got, s) {
					t.Errorf("Scrub left %q in %q", s, got)
				}
			}
			for _, s := range tt.kept {
				if got := Scrub(s, secrets...); got != s {
					t.Errorf("Scrub changed %q to %q", s, got)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		in     string
		hidden []string
		kept   []string
	}{
		{`Get "https://oauth2:glpat-A@host/g/p.git/info/refs?service=git-upload-pack": dial tcp: connection refused`, []string{"glpat-A", "oauth2"}, []string{"host/g/p.git/info/refs?service=git-upload-pack", "connection refused"}},
		{`parse "https://u:glpat-%zz@host/x": invalid URL escape "%zz"`, []string{"glpat-"}, []string{"invalid URL escape"}},
		{`Get "https://host/x?private_token=glpat-B&a=1": EOF`, []string{"glpat-B"}, []string{"a=1"}},
		{`remote deploy:hunter22@host:group/repo.git refused`, []string{"hunter22"}, []string{"host:group/repo.git"}},
		{`env GITLAB_TOKEN=glpat-C is set`, []string{"glpat-C"}, []string{"GITLAB_TOKEN="}},
		{`ssh://git@host/r.git: permission denied`, nil, []string{"ssh://git@host/r.git"}},
		{`nothing to see: 12:30 at the office`, nil, []string{"nothing to see: 12:30 at the office"}},
	}
	for _, tt := range tests {
		got := Text(tt.in)
		for _, s := range tt.hidden {
			if strings.Contains(got, s) {
				t.Errorf("Text(%q) = %q: still holds %q", tt.in, got, s)
			}
		}
		for _, s := range tt.kept {
			if !strings.Contains(got, s) {
				t.Errorf("Text(%q) = %q: lost %q", tt.in, got, s)
			}
		}
	}
}

func TestErrorKeepsChain(t *testing.T) {
	raw := "https://user:s3cr3t@host/r"
	err := Error(&fs.PathError{Op: "get", Path: "https://user:s3cr3t@host/r", Err: fs.ErrPermission}, raw)
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("message leaks: %s", err)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Error("errors.Is lost the wrapped error")
	}
	if Error(fs.ErrNotExist, "/local/path") != fs.ErrNotExist {
		t.Error("an error with nothing to scrub should be returned as is")
	}
	if Error(nil, raw) != nil {
		t.Error("nil should stay nil")
	}
	// a secret quoted outside any URL, decoded
	err = Error(errors.New(`auth failed for user "us er" with "pa ss"`), "https://us er:pa ss@host/r")
	if strings.Contains(err.Error(), "pa ss") {
		t.Errorf("message leaks: %s", err)
	}
}

func FuzzURL(f *testing.F) {
	for _, s := range []string{"https://u:p@h/x?token=t#a=b", "u:p@h:x", "https://[::1]:1/", "https://u:%zz@h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		shown := URL(raw)
		p := split(raw)
		if _, pass, ok := strings.Cut(p.userinfo, ":"); ok && len(pass) >= 6 && !strings.Contains(Mask, pass) && strings.Contains(shown, p.userinfo) {
			t.Errorf("URL(%q) = %q keeps the userinfo", raw, shown)
		}
	})
}

// FuzzPasswordNeverShown builds scheme://user:password@host/path from parts
// and checks that the password is neither in URL's result nor in Text's.
func FuzzPasswordNeverShown(f *testing.F) {
	f.Add("https", "oauth2", "glpat-abc%zz", "gitlab.example.com:8443", "/g/p.git?ref=main")
	f.Add("http", "u", "pa/ss#w?rd", "[::1]:80", "")
	f.Add("ssh", "git", "hunter22", "host", "/r.git")
	f.Fuzz(func(t *testing.T, scheme, user, pass, host, path string) {
		if !validScheme(scheme) || strings.ContainsAny(user+pass+host+path, "@ \t\r\n\f\v\"'<>`") || strings.ContainsAny(user, ":/") ||
			strings.ContainsAny(host, "/?#:[]") && !strings.HasPrefix(host, "[") || len(pass) < 6 {
			return
		}
		if before, _, ok := strings.Cut(pass, "/"); ok && allDigits(before) {
			return // https://u:1234/x@h is host u, port 1234, path /x@h: git reads it so too
		}
		if path != "" && path[0] != '/' {
			path = "/" + path
		}
		raw := scheme + "://" + user + ":" + pass + "@" + host + path
		if strings.Contains(scheme+"://"+host+path, pass) {
			return // the password is also in the rest: nothing to tell apart
		}
		if got := URL(raw); strings.Contains(got, pass) {
			t.Errorf("URL(%q) = %q", raw, got)
		}
		if got := Text("error: " + raw + " failed"); strings.Contains(got, pass) {
			t.Errorf("Text(%q) = %q", raw, got)
		}
	})
}
