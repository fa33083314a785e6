package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ServiceFileName is the per-repository settings file written by `platform new service`.
const ServiceFileName = "platform.yaml"

// Service is a service repository's platform.yaml.
type Service struct {
	GitLab       ServiceGitLab `yaml:"gitlab"`
	Environments []Environment `yaml:"environments"`
	Promotion    Promotion     `yaml:"promotion"`
	Lint         Lint          `yaml:"lint"`
	Catalog      Catalog       `yaml:"catalog"`
}

// Catalog describes the organisation's Backstage catalog where it differs
// from the default one.
type Catalog struct {
	// Kinds are entity kinds the catalog accepts beyond the built-in ones,
	// through processors of its own (e.g. [Workflow]).
	Kinds []string `yaml:"kinds"`
}

// ServiceGitLab names the repository's GitLab project when it cannot be derived from the remote.
type ServiceGitLab struct {
	Project string `yaml:"project"`
}

// Environment is one stage of the promotion chain.
type Environment struct {
	Name  string `yaml:"name"`
	From  string `yaml:"from"`
	Gates Gates  `yaml:"gates"`
}

// Gates must all pass before a promotion into an environment.
type Gates struct {
	Deployed  bool     `yaml:"deployed"`
	Pipeline  string   `yaml:"pipeline"`
	Soak      string   `yaml:"soak"`
	Approvals int      `yaml:"approvals"`
	Freeze    []string `yaml:"freeze"`
}

// Promotion says how a promotion is carried out.
type Promotion struct {
	Strategy string `yaml:"strategy"`
	Image    string `yaml:"image"`
}

// Lint holds a repository's lint settings.
type Lint struct {
	// FailOn is the lowest severity that fails the run: error, warning, info or none.
	FailOn string `yaml:"failOn"`
	// Rules sets a rule's severity (error, warning, info) or turns it off, by ID or glob.
	Rules map[string]string `yaml:"rules"`
	// Exclude are globs of paths left out of the lint.
	Exclude []string `yaml:"exclude"`
	// ReadmeSections replaces the headings a README must have.
	ReadmeSections []string `yaml:"readmeSections"`
	// Lifecycles replaces the catalog lifecycles allowed.
	Lifecycles []string `yaml:"lifecycles"`
	Waivers    []Waiver `yaml:"waivers"`
	// Policies are Rego policy directories (relative to the repository) or
	// git references GIT_URL//SUBDIR@REF, run as policy/* rules.
	Policies []string `yaml:"policies"`
	// PolicyData are directories (or git references) of YAML/JSON documents
	// merged under data for the policies.
	PolicyData []string `yaml:"policyData"`
	// PolicyNamespaces are the Rego packages whose rules run (default main).
	PolicyNamespaces []string `yaml:"policyNamespaces"`
	// RegoVersion is the syntax of the policies: v1 (default) or v0.
	RegoVersion string `yaml:"regoVersion"`
	// PolicyFiles are globs of the files the policies see (default every YAML and JSON file).
	PolicyFiles []string `yaml:"policyFiles"`
	// Baseline is the baseline file (relative to the repository) whose
	// findings are not reported, as --baseline FILE.
	Baseline string `yaml:"baseline"`
}

// Waiver silences one rule on one path, with a reason and an expiry.
type Waiver struct {
	Rule    string `yaml:"rule"`
	Path    string `yaml:"path"`
	Reason  string `yaml:"reason"`
	Expires string `yaml:"expires"`
	// Line is where the waiver is written in the file.
	Line int `yaml:"-"`
}

// UnmarshalYAML records the waiver's line.
func (w *Waiver) UnmarshalYAML(node *yaml.Node) error {
	type plain Waiver
	if err := node.Decode((*plain)(w)); err != nil {
		return err
	}
	w.Line = node.Line
	return nil
}

// ServiceFileError is a platform.yaml that is not valid: Err says why, Path
// where it is.
type ServiceFileError struct {
	Path string
	Err  error
}

func (e *ServiceFileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *ServiceFileError) Unwrap() error { return e.Err }

// ReadService reads and checks a platform.yaml. A missing file is
// fs.ErrNotExist, an invalid one a *ServiceFileError.
func ReadService(path string) (*Service, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	svc, err := ParseService(data)
	if err != nil {
		return nil, &ServiceFileError{Path: path, Err: err}
	}
	return svc, nil
}

// ParseService decodes platform.yaml strictly (unknown fields are errors, with
// their line) and checks the environment chain.
func ParseService(data []byte) (*Service, error) {
	svc := &Service{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(svc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid platform.yaml: %w", err)
	}
	if err := svc.check(); err != nil {
		return nil, fmt.Errorf("invalid platform.yaml: %w", err)
	}
	return svc, nil
}

func (s *Service) check() error {
	seen := map[string]bool{}
	for i, env := range s.Environments {
		if env.Name == "" {
			return fmt.Errorf("environments[%d]: name is required", i)
		}
		if seen[env.Name] {
			return fmt.Errorf("environments[%d]: %q is declared twice", i, env.Name)
		}
		if i > 0 && env.From == "" {
			return fmt.Errorf("environment %q: from is required (the stage it is promoted from)", env.Name)
		}
		if env.From != "" && !seen[env.From] {
			return fmt.Errorf("environment %q: from %q must name an earlier environment", env.Name, env.From)
		}
		seen[env.Name] = true
	}
	switch s.Promotion.Strategy {
	case "", "gitops", "pipeline":
	default:
		return fmt.Errorf("promotion.strategy %q: want gitops or pipeline", s.Promotion.Strategy)
	}
	for i, kind := range s.Catalog.Kinds {
		if strings.TrimSpace(kind) == "" {
			return fmt.Errorf("catalog.kinds[%d]: a kind is required", i)
		}
	}
	switch s.Lint.FailOn {
	case "", "error", "warning", "info", "none":
	default:
		return fmt.Errorf("lint.failOn %q: want error, warning, info or none", s.Lint.FailOn)
	}
	switch s.Lint.RegoVersion {
	case "", "v0", "v1":
	default:
		return fmt.Errorf("lint.regoVersion %q: want v1 or v0", s.Lint.RegoVersion)
	}
	return nil
}
