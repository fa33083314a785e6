package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/redact"
	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/internal/updater"
)

// State is where a project stands with its template.
type State string

// The states of a project.
const (
	Current   State = "current"   // on its template's latest version
	Behind    State = "behind"    // a newer version exists
	Unmanaged State = "unmanaged" // no .platform/answers.yaml: not made by platform new service
	Unknown   State = "unknown"   // the answers or the template source cannot be read: see Reason
)

// Service is one project of the group and its state.
type Service struct {
	// Project is the path with namespace.
	Project  string `json:"project"`
	Owner    string `json:"owner"`
	Template string `json:"template"`
	Version  string `json:"version"`
	Latest   string `json:"latest"`
	State    State  `json:"state"`
	// Reason says why the state is unknown.
	Reason string `json:"reason,omitempty"`
	// MR is the URL of the open merge request to the latest version, nil
	// when there is none (or the project is not behind).
	MR *string `json:"mr"`

	project  *gitlab.Project
	recorded scaffold.RecordedTemplate
}

// GitLabProject is the project as GitLab listed it.
func (s *Service) GitLabProject() *gitlab.Project { return s.project }

// Options say which projects a run looks at and how.
type Options struct {
	Client *gitlab.Client
	// Group is the group's full path; its subgroups are included and its
	// archived projects skipped.
	Group string
	// Template keeps only the services made from this template.
	Template string
	// Parallel bounds the projects read at once (default 4).
	Parallel int
	// Sources resolve each template's latest version (Resolver, Tags, Pre).
	Sources updater.Sources
}

func (o Options) parallel() int {
	if o.Parallel < 1 {
		return 4
	}
	return o.Parallel
}

// Status reads the state of every unarchived project of the group, sorted
// by project path. A project whose files cannot be read is Unknown with the
// reason; only a failure to list the group is an error.
func Status(ctx context.Context, opts Options) ([]Service, error) {
	projects, err := opts.Client.GroupProjects(ctx, opts.Group)
	if err != nil {
		return nil, err
	}
	var live []*gitlab.Project
	for _, p := range projects {
		if !p.Archived {
			live = append(live, p)
		}
	}
	latest := &latestCache{sources: opts.Sources, found: map[string]*latestEntry{}}
	out := make([]Service, len(live))
	keep := make([]bool, len(live))
	forEach(ctx, len(live), opts.parallel(), func(i int) {
		out[i] = readService(ctx, opts, live[i], latest)
		keep[i] = opts.Template == "" || out[i].Template == opts.Template
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var kept []Service
	for i, s := range out {
		if keep[i] {
			kept = append(kept, s)
		}
	}
	slices.SortFunc(kept, func(a, b Service) int { return strings.Compare(a.Project, b.Project) })
	return kept, nil
}

// readService reads one project's answers and catalog file and compares
// its version with its template's latest.
func readService(ctx context.Context, opts Options, p *gitlab.Project, latest *latestCache) Service {
	s := Service{Project: p.PathWithNamespace, project: p}
	if p.EmptyRepo {
		s.State = Unmanaged
		return s
	}
	// The two files at once: one round trip instead of two.
	var catalog []byte
	var catalogErr error
	read := make(chan struct{})
	go func() {
		defer close(read)
		catalog, catalogErr = opts.Client.File(ctx, p.PathWithNamespace, scaffold.CatalogFile, p.DefaultBranch)
	}()
	answers, err := opts.Client.File(ctx, p.PathWithNamespace, scaffold.AnswersFile, p.DefaultBranch)
	<-read
	if catalogErr == nil {
		s.Owner = ownerOf(catalog)
	}
	switch {
	case errors.Is(err, gitlab.ErrNotFound):
		s.State = Unmanaged
		return s
	case err != nil:
		return s.unknown(fmt.Sprintf("read %s: %v", scaffold.AnswersFile, err))
	}
	prov, err := scaffold.ReadAnswers(answers)
	if err != nil {
		return s.unknown(err.Error())
	}
	s.recorded = prov.Template
	s.Template, s.Version = prov.Template.Name, prov.Template.Version
	if opts.Template != "" && s.Template != opts.Template {
		return s
	}
	s.Latest, err = latest.of(ctx, prov.Template)
	if err != nil {
		return s.unknown(err.Error())
	}
	cmp, err := scaffold.CompareVersions(s.Latest, s.Version)
	if err != nil {
		return s.unknown(fmt.Sprintf("compare versions: %v", err))
	}
	s.State = Current
	if cmp > 0 {
		s.State = Behind
		mr, err := opts.Client.OpenMergeRequest(ctx, p.PathWithNamespace, updater.Branch(s.Template, s.Latest))
		if err == nil && mr != nil {
			s.MR = &mr.WebURL
		}
	}
	return s
}

func (s Service) unknown(reason string) Service {
	s.State, s.Reason = Unknown, redact.Text(reason)
	return s
}

// ownerOf is the spec.owner of the first Component of a catalog file, ""
// when there is none or the file does not parse.
func ownerOf(data []byte) string {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	for {
		var doc struct {
			Kind string `yaml:"kind"`
			Spec struct {
				Owner string `yaml:"owner"`
			} `yaml:"spec"`
		}
		if err := dec.Decode(&doc); err != nil {
			return ""
		}
		if doc.Kind == "Component" {
			return doc.Spec.Owner
		}
	}
}

// latestCache resolves each template source's latest version once per run,
// however many projects use it and however many goroutines ask at once.
type latestCache struct {
	sources updater.Sources
	mu      sync.Mutex
	found   map[string]*latestEntry
}

type latestEntry struct {
	once    sync.Once
	version string
	err     error
}

func (c *latestCache) of(ctx context.Context, rec scaffold.RecordedTemplate) (string, error) {
	key := rec.Source + " " + rec.Name
	if g, ok := scaffold.ParseGitRef(rec.Ref); ok && rec.Source == scaffold.SourceGit {
		key = rec.Source + " " + scaffold.GitRef{URL: g.URL, Subdir: g.Subdir}.String()
	}
	c.mu.Lock()
	e, ok := c.found[key]
	if !ok {
		e = &latestEntry{}
		c.found[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		check, err := updater.Latest(ctx, rec, c.sources)
		e.version, e.err = check.Latest, err
	})
	return e.version, e.err
}

// forEach calls fn(i) for i in [0, n), at most parallel at once, and
// returns when all have returned. fn is not called once ctx is done.
func forEach(ctx context.Context, n, parallel int, fn func(i int)) {
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if ctx.Err() == nil {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
