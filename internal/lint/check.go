package lint

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
)

// Check runs rules over the repo: file rules on every file they apply to, on
// jobs workers (0 means one per CPU), then repository rules when the whole
// repository is linted. It returns the raw findings, sorted, before severities,
// waivers and ignores are applied.
func Check(ctx context.Context, repo *Repo, rules []Rule, jobs int) []Finding {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	var fileRules, repoRules []Rule
	for _, r := range rules {
		switch {
		case r.check != nil:
			fileRules = append(fileRules, r)
		case r.checkRepo != nil:
			repoRules = append(repoRules, r)
		}
	}

	files := repo.Files()
	results := make([][]Finding, len(files))
	work := make(chan int)
	var wg sync.WaitGroup
	var firstPanic sync.Once
	var panicked *RulePanic
	for range min(jobs, max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One reporter per rule per worker, reused for every file: a
			// reporter per rule and file was most of the engine's allocations.
			mu := &sync.Mutex{}
			var found []Finding
			reporters := make([]Reporter, len(fileRules))
			for j, rule := range fileRules {
				reporters[j] = Reporter{meta: rule.meta, mu: mu, findings: &found}
			}
			for i := range work {
				for j, rule := range fileRules {
					if p := checkFile(rule, repo, files[i], &reporters[j]); p != nil {
						firstPanic.Do(func() { panicked = p })
					}
				}
				results[i], found = found, nil
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if panicked != nil {
		// A rule's bug surfaces on the caller's goroutine, where the command
		// boundary reports it in one line instead of a crash with every
		// worker's stack.
		panic(panicked)
	}

	var out []Finding
	for _, r := range results {
		out = append(out, r...)
	}
	mu := &sync.Mutex{}
	for _, rule := range repoRules {
		if ctx.Err() != nil {
			break
		}
		// Rules about the repository as a whole need all of it; rules about
		// the walk itself (lint/skipped) report on whatever was walked.
		if repo.Whole || rule.always {
			rule.checkRepo(repo, &Reporter{meta: rule.meta, mu: mu, findings: &out})
		}
	}
	slices.SortFunc(out, Compare)
	return out
}

// RulePanic is a rule that panicked on a file: a bug in the rule, re-raised
// on the goroutine that called Check.
type RulePanic struct {
	Rule  string
	Path  string
	Value any
}

func (p *RulePanic) String() string {
	return fmt.Sprintf("rule %s panicked on %s: %v", p.Rule, p.Path, p.Value)
}

// checkFile runs one file rule on one file, returning a panic instead of
// letting it take the process down from a worker goroutine.
func checkFile(rule Rule, repo *Repo, f *File, r *Reporter) (p *RulePanic) {
	defer func() {
		if v := recover(); v != nil {
			p = &RulePanic{Rule: rule.meta.ID, Path: f.Path, Value: v}
		}
	}()
	if rule.applies(f) {
		rule.check(repo, f, r)
	}
	return nil
}
