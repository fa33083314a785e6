package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
)

func TestGitLabTargetURLPrecedence(t *testing.T) {
	e := map[string]string{}
	target := GitLabTarget{Getenv: env(e), Config: &Config{}}
	step := func(what, want string) {
		t.Helper()
		if got := target.URL(); got != want {
			t.Fatalf("%s: URL() = %q, want %q", what, got, want)
		}
	}
	step("nothing set", DefaultGitLabURL)
	target.Config.GitLab.URL = "https://user.example.com/"
	step("user config over the default", "https://user.example.com")
	e["CI_SERVER_URL"] = "https://ci.example.com"
	step("CI_SERVER_URL over the user config", "https://ci.example.com")
	e["GITLAB_HOST"] = "host.example.com"
	step("GITLAB_HOST over CI_SERVER_URL, with a scheme added", "https://host.example.com")
	e["PLATFORM_GITLAB_URL"] = "https://env.example.com"
	step("PLATFORM_GITLAB_URL over GITLAB_HOST", "https://env.example.com")
	target.URLFlag = "https://oauth2:glpat-secret@flag.example.com/" // platform:allow-secret
	step("--gitlab-url over everything, without its credentials", "https://flag.example.com")

	if got := (GitLabTarget{}).URL(); got != DefaultGitLabURL {
		t.Fatalf("zero target: %q", got)
	}
}

func TestGitLabTargetProjectPrecedence(t *testing.T) {
	dir := t.TempDir()
	e := map[string]string{}
	target := GitLabTarget{Getenv: env(e), Config: &Config{Service: &Service{}}}

	// No repository, nothing set: an input error naming the ways out.
	_, _, err := target.Project(dir)
	var projErr *ProjectError
	if !errors.As(err, &projErr) || !errors.Is(err, ErrNoProject) {
		t.Fatalf("nothing names the project: %v", err)
	}
	if target.ProjectOrNone(dir) != "" {
		t.Fatal("ProjectOrNone must be empty when nothing names the project")
	}

	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	addRemote := func(name, url string) {
		t.Helper()
		if _, err := repo.CreateRemote(&gitconfig.RemoteConfig{Name: name, URLs: []string{url}}); err != nil {
			t.Fatal(err)
		}
	}
	step := func(what, wantProject, wantSource string) {
		t.Helper()
		project, source, err := target.Project(dir)
		if err != nil || project != wantProject || source != wantSource {
			t.Fatalf("%s: Project() = %q, %q, %v; want %q from %q", what, project, source, err, wantProject, wantSource)
		}
	}

	// A remote that names no GitLab project is an input error too.
	addRemote("origin", filepath.Join(dir, "local.git"))
	if _, _, err := target.Project(dir); !errors.As(err, &projErr) || errors.Is(err, ErrNoProject) {
		t.Fatalf("a local remote: %v", err)
	}
	if err := repo.DeleteRemote("origin"); err != nil {
		t.Fatal(err)
	}

	addRemote("origin", "https://gitlab.example.com/someone/fork.git")
	step("origin", "someone/fork", SourceRemote)
	addRemote("gitlab", "git@gitlab.example.com:group/via-gitlab.git")
	step("gitlab over origin", "group/via-gitlab", SourceRemote)
	addRemote("upstream", "ssh://git@gitlab.example.com:2222/group/sub/project.git")
	step("upstream over gitlab and origin", "group/sub/project", SourceRemote)
	if remote, err := target.Remote(dir); err != nil || remote != "ssh://git@gitlab.example.com:2222/group/sub/project.git" {
		t.Fatalf("Remote() = %q, %v", remote, err)
	}

	target.Config.GitLab.Project = "user/project"
	step("user config over the remote", "user/project", SourceUserProject)
	target.Config.Service.GitLab.Project = "service/project"
	step("platform.yaml over the user config", "service/project", SourceServiceProject)
	e["PLATFORM_GITLAB_PROJECT"] = "/env/project/"
	step("PLATFORM_GITLAB_PROJECT over platform.yaml", "env/project", SourceProjectFlag)
	target.ProjectFlag = "flag/project"
	step("--project over everything", "flag/project", SourceProjectFlag)
	if got := target.ProjectOrNone(dir); got != "flag/project" {
		t.Fatalf("ProjectOrNone = %q", got)
	}
}

// TestLoadServiceLayer: Load parses the service's platform.yaml into
// Config.Service, names it in ServiceFile, and keeps a broken one as
// ServiceErr rather than failing: each command decides what that means.
func TestLoadServiceLayer(t *testing.T) {
	dir := t.TempDir()
	cfg, err := Load(LoadOptions{ServiceDir: dir, Getenv: env(nil)})
	if err != nil || cfg.Service == nil || cfg.ServiceFile != "" || cfg.ServiceErr != nil {
		t.Fatalf("no platform.yaml: %+v, %v", cfg, err)
	}

	path := filepath.Join(dir, ServiceFileName)
	if err := os.WriteFile(path, []byte("gitlab: {project: payments/api}\nlint: {failOn: warning}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = Load(LoadOptions{ServiceDir: dir, Getenv: env(nil)})
	if err != nil || cfg.ServiceFile != path || cfg.Service.Lint.FailOn != "warning" || cfg.Service.GitLab.Project != "payments/api" {
		t.Fatalf("platform.yaml: %+v, %v", cfg, err)
	}

	if err := os.WriteFile(path, []byte("nonsense: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = Load(LoadOptions{ServiceDir: dir, Getenv: env(nil)})
	var invalid *ServiceFileError
	if err != nil || !errors.As(cfg.ServiceErr, &invalid) || invalid.Path != path || cfg.Service == nil || cfg.ServiceFile != "" {
		t.Fatalf("broken platform.yaml: %+v, %v", cfg, err)
	}

	// An explicit file (lint --config) must exist; it replaces ServiceDir's.
	other := filepath.Join(t.TempDir(), "lint.yaml")
	cfg, err = Load(LoadOptions{ServiceDir: dir, ServiceFile: other, Getenv: env(nil)})
	if err != nil || !errors.Is(cfg.ServiceErr, os.ErrNotExist) {
		t.Fatalf("missing explicit file: %+v, %v", cfg, err)
	}
	if err := os.WriteFile(other, []byte("lint: {failOn: info}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err = Load(LoadOptions{ServiceDir: dir, ServiceFile: other, Getenv: env(nil)})
	if err != nil || cfg.ServiceFile != other || cfg.Service.Lint.FailOn != "info" {
		t.Fatalf("explicit file: %+v, %v", cfg, err)
	}
}

// TestLoadBooleanEnv: boolean environment variables follow iostreams.EnvTrue,
// so PLATFORM_NO_COLOR=false is false and "no" is no error.
func TestLoadBooleanEnv(t *testing.T) {
	for v, want := range map[string]bool{"1": true, "true": true, "yes": true, "false": false, "FALSE": false, "0": false, "no": false, "off": false} {
		cfg, err := Load(LoadOptions{Getenv: env(map[string]string{"PLATFORM_NO_COLOR": v, "PLATFORM_ACCESSIBLE": v})})
		if err != nil || cfg.NoColor != want || cfg.Accessible != want {
			t.Errorf("%q: NoColor %v, Accessible %v, %v; want %v", v, cfg.NoColor, cfg.Accessible, err, want)
		}
	}
}
