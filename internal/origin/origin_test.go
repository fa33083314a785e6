package origin

import (
	"net/url"
	"testing"
)

func parse(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSame(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"https://gitlab.example.com/api/v4", "https://GITLAB.example.com:443/x", true},
		{"http://h", "http://h:080/y", true},
		{"https://h", "http://h", false},
		{"https://h", "https://h:8443", false},
		{"https://h", "https://h.evil", false},
		{"https://h", "https://other", false},
	} {
		if got := Same(parse(t, tt.a), parse(t, tt.b)); got != tt.same {
			t.Errorf("Same(%s, %s) = %v", tt.a, tt.b, got)
		}
	}
	if Same(nil, parse(t, "https://h")) {
		t.Error("Same(nil, u) = true")
	}
}

func TestHTTPSUpgrade(t *testing.T) {
	if !HTTPSUpgrade(parse(t, "http://h/x"), parse(t, "https://h/x")) {
		t.Error("http to https on one host is an upgrade")
	}
	for _, to := range []string{"https://other/x", "https://h:8443/x", "http://h/y"} {
		if HTTPSUpgrade(parse(t, "http://h/x"), parse(t, to)) {
			t.Errorf("http://h/x -> %s counted as an upgrade", to)
		}
	}
}

func TestOfHidesCredentials(t *testing.T) {
	if got := Of(parse(t, "HTTPS://oauth2:glpat-secret@gitlab.example.com:8443/a?b")); got != "https://gitlab.example.com:8443" {
		t.Errorf("Of = %q", got)
	}
}
