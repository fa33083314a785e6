package fleet

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/platform-team/platform/internal/change"
	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/redact"
	"github.com/platform-team/platform/internal/updater"
)

// Action is what an update run did to one project.
type Action string

// The actions of an Outcome.
const (
	Opened    Action = "opened"     // a merge request was opened
	Updated   Action = "updated"    // the open merge request got a new commit
	Unchanged Action = "unchanged"  // the open merge request already has the update
	WouldOpen Action = "would-open" // dry run: a merge request would be opened or updated
	Skipped   Action = "skipped"    // not behind (current, unmanaged, unknown), or nothing to change
	Failed    Action = "failed"     // see Error
)

// Outcome is one project's status and what the run did to it.
type Outcome struct {
	Service
	Action Action `json:"action"`
	// Conflicts are the files committed with conflict markers (the merge
	// request is a draft), or, in a dry run, that would be.
	Conflicts []string `json:"conflicts"`
	Error     string   `json:"error,omitempty"`
}

// Shard is a stable slice of a fleet: the projects whose path hashes to
// Index among Total (1-based), so that Total jobs cover every project once.
// The zero Shard is the whole fleet.
type Shard struct{ Index, Total int }

// ParseShard reads I/N, 1 <= I <= N.
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	index, err1 := strconv.Atoi(i)
	total, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || total < 1 || index < 1 || index > total {
		return Shard{}, fmt.Errorf("shard %q: want I/N with 1 <= I <= N, e.g. 2/4 ($CI_NODE_INDEX/$CI_NODE_TOTAL)", s)
	}
	return Shard{Index: index, Total: total}, nil
}

// Has reports whether the project belongs to the shard.
func (s Shard) Has(project string) bool {
	if s.Total <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(project))
	return int(h.Sum32()%uint32(s.Total)) == s.Index-1
}

// UpdateOptions say how behind projects are updated.
type UpdateOptions struct {
	// Open starts a change session on a project: a fresh clone of its
	// default branch, with the credentials to push to it.
	Open func(ctx context.Context, p *gitlab.Project) (*change.Session, error)
	// Sources and Inputs are those of platform update (To, Pre; the
	// render options); nothing is asked.
	Sources updater.Sources
	Inputs  updater.Inputs
	Author  gitx.Author
	When    time.Time
	// DryRun clones and merges, and pushes and opens nothing.
	DryRun bool
	// Parallel bounds the projects updated at once (default 4).
	Parallel int
	// Progress, when set, is called after each project, from one
	// goroutine at a time.
	Progress func(done, total int, o Outcome)
}

// Update proposes the update of every behind service as a merge request
// (in a dry run, computes it only). The others are Skipped. One failing
// project never stops the others: its Outcome is Failed with the error.
// Outcomes are in the order of services.
func Update(ctx context.Context, services []Service, opts UpdateOptions) []Outcome {
	out := make([]Outcome, len(services))
	var todo []int
	for i, s := range services {
		out[i] = Outcome{Service: s, Action: Skipped, Conflicts: []string{}}
		if s.State == Behind {
			todo = append(todo, i)
		}
	}
	parallel := opts.Parallel
	if parallel < 1 {
		parallel = 4
	}
	var mu sync.Mutex
	done := 0
	forEach(ctx, len(todo), parallel, func(k int) {
		i := todo[k]
		o := updateOne(ctx, services[i], opts)
		mu.Lock()
		defer mu.Unlock()
		out[i] = o
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(todo), o)
		}
	})
	for _, i := range todo {
		if out[i].Action == Skipped && ctx.Err() != nil {
			out[i].Action, out[i].Error = Failed, "interrupted before it started"
		}
	}
	return out
}

// updateOne clones one project, computes its update and proposes it.
func updateOne(ctx context.Context, s Service, opts UpdateOptions) (o Outcome) {
	o = Outcome{Service: s, Conflicts: []string{}}
	fail := func(err error) Outcome {
		o.Action, o.Error = Failed, redact.Text(err.Error())
		return o
	}
	session, err := opts.Open(ctx, s.project)
	if err != nil {
		return fail(err)
	}
	defer session.Close()
	res, err := updater.Compute(ctx, session, "", opts.Sources, opts.Inputs)
	if err != nil {
		return fail(err)
	}
	if res.UpToDate() {
		o.Action = Skipped
		return o
	}
	if opts.DryRun {
		o.Action = WouldOpen
		o.Conflicts = append(o.Conflicts, res.Plan.Conflicted()...)
		return o
	}
	p, err := updater.Propose(ctx, session, res, updater.ProposeOptions{
		Sources: opts.Sources, Inputs: opts.Inputs, Author: opts.Author, When: opts.When,
	})
	if err != nil {
		return fail(err)
	}
	switch {
	case p.Created:
		o.Action = Opened
	case p.Commit != "":
		o.Action = Updated
	default:
		o.Action = Unchanged
	}
	o.MR = &p.MR.WebURL
	o.Conflicts = append(o.Conflicts, p.Conflicts...)
	return o
}

// FailedError is an update run in which some projects failed.
type FailedError struct {
	Projects []string
	Total    int
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("%d of %d project(s) failed: %s (see each error above; rerun to retry them, the others are not touched twice)",
		len(e.Projects), e.Total, strings.Join(e.Projects, ", "))
}

// Failures returns a *FailedError naming the failed projects, nil when none failed.
func Failures(outcomes []Outcome) error {
	var failed []string
	for _, o := range outcomes {
		if o.Action == Failed {
			failed = append(failed, o.Project)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return &FailedError{Projects: failed, Total: len(outcomes)}
}

// Of keeps the services of the shard.
func (s Shard) Of(services []Service) []Service {
	var out []Service
	for _, svc := range services {
		if s.Has(svc.Project) {
			out = append(out, svc)
		}
	}
	return out
}
