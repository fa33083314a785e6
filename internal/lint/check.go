package lint

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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
	var firstPanic sync.Once
	var panicked *RulePanic
	fail := func(p *RulePanic) { firstPanic.Do(func() { panicked = p }) }

	// First which rule applies to which file, then the checks. Deciding
	// whether a rule applies often parses the file (a manifest rule parses
	// the YAML); doing it for every file first parses them all in parallel,
	// before a check asks for an index of the whole repository (kustomize
	// labels, MkDocs sites), which one worker builds while the others wait.
	applies := make([]bool, len(files)*len(fileRules))
	forEachFile(ctx, len(files), jobs, func() func(i int) {
		return func(i int) {
			f, row := files[i], applies[i*len(fileRules):(i+1)*len(fileRules)]
			eachRule(len(fileRules), func(j int) { row[j] = fileRules[j].applies(f) },
				func(j int, v any) { fail(&RulePanic{Rule: fileRules[j].meta.ID, Path: f.Path, Value: v}) })
		}
	})
	results := make([][]Finding, len(files))
	forEachFile(ctx, len(files), jobs, func() func(i int) {
		// One reporter per rule per worker, reused for every file: a
		// reporter per rule and file was most of the engine's allocations.
		mu := &sync.Mutex{}
		var found []Finding
		reporters := make([]Reporter, len(fileRules))
		for j, rule := range fileRules {
			reporters[j] = Reporter{meta: rule.meta, mu: mu, findings: &found}
		}
		return func(i int) {
			f, row := files[i], applies[i*len(fileRules):(i+1)*len(fileRules)]
			eachRule(len(fileRules), func(j int) {
				if row[j] {
					fileRules[j].check(repo, f, &reporters[j])
				}
			}, func(j int, v any) { fail(&RulePanic{Rule: fileRules[j].meta.ID, Path: f.Path, Value: v}) })
			results[i], found = found, nil
		}
	})
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

// forEachFile calls the function each of jobs workers gets from worker for
// every index in [0, n), in order, until ctx is cancelled. Workers take the
// next index from a shared counter: handing each file over a channel cost
// more than checking many of them.
func forEachFile(ctx context.Context, n, jobs int, worker func() func(i int)) {
	var next atomic.Int64
	done := ctx.Done()
	var wg sync.WaitGroup
	for range min(jobs, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do := worker()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				select {
				case <-done:
					return
				default:
				}
				do(i)
			}
		}()
	}
	wg.Wait()
}

// eachRule calls call(j) for every j in [0, n). A panic in call(j) is
// handed to fail(j, value) instead of taking the process down from a worker
// goroutine, and the calls go on with j+1: one deferred recover per file,
// not one per rule and file.
func eachRule(n int, call func(j int), fail func(j int, v any)) {
	for j := 0; j < n; {
		j = eachRuleFrom(j, n, call, fail)
	}
}

func eachRuleFrom(j, n int, call func(j int), fail func(j int, v any)) (next int) {
	defer func() {
		if v := recover(); v != nil {
			fail(j, v)
			next = j + 1
		}
	}()
	for ; j < n; j++ {
		call(j)
	}
	return n
}
