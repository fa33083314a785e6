package cli

import "testing"

func TestGitLabURLOrderAndCredentials(t *testing.T) {
	f, _, _ := testFactory(t)
	env := map[string]string{}
	f.Getenv = func(k string) string { return env[k] }
	if got := gitLabURL(f, "", false); got != defaultGitLabURL {
		t.Fatalf("default = %q", got)
	}
	env["CI_SERVER_URL"] = "https://ci.example.com/"
	if got := gitLabURL(f, "https://config.example.com", false); got != "https://ci.example.com" {
		t.Fatalf("CI_SERVER_URL over config: %q", got)
	}
	env["GITLAB_HOST"] = "host.example.com"
	if got := gitLabURL(f, "", false); got != "https://host.example.com" {
		t.Fatalf("GITLAB_HOST over CI_SERVER_URL, with a scheme added: %q", got)
	}
	if got := gitLabURL(f, "https://oauth2:glpat-secret@flag.example.com", true); got != "https://flag.example.com" { // platform:allow-secret
		t.Fatalf("the flag wins and loses its credentials: %q", got)
	}
}
