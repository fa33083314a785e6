package gitlabtest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRedirectGarbleAndOtherHost(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	other := NewOtherHost()
	defer other.Close()
	s.Redirect("POST", "/api/v4/projects", http.StatusTemporaryRedirect, other.URL, 1)
	s.Garble("GET", "/api/v4/user", 1)

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", s.URL+"/api/v4/projects?x=1", strings.NewReader(`{}`))
	req.Header.Set("Private-Token", s.Token)
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 307 || resp.Header.Get("Location") != other.URL+"/api/v4/projects?x=1" {
		t.Fatalf("redirect = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// A client that follows it blindly carries the token: OtherHost sees it.
	req, _ = http.NewRequest("GET", other.URL+"/x", nil)
	req.SetBasicAuth("oauth2", "tok")
	req.Header.Set("Private-Token", "pt")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := other.Requests(); len(got) != 1 || got[0] != "GET /x PRIVATE-TOKEN=pt AUTHORIZATION=Basic oauth2:tok" {
		t.Errorf("other host saw %q", got)
	}

	req, _ = http.NewRequest("GET", s.URL+"/api/v4/user", nil)
	req.Header.Set("Private-Token", s.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Error("a garbled answer read whole")
	}
}
