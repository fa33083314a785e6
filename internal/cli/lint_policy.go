package cli

import (
	"context"
	"io/fs"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/pflag"

	"github.com/platform-team/platform/internal/config"
	"github.com/platform-team/platform/internal/lint"
	"github.com/platform-team/platform/internal/lint/policy"
	"github.com/platform-team/platform/internal/scaffold"
)

// PolicyOptions are the Rego policy flags of `platform lint` and `platform
// lint rules`; platform.yaml's lint.policies and lint.policyData add to them.
type PolicyOptions struct {
	Policies      []string
	Data          []string
	Namespaces    []string
	AllNamespaces bool
	RegoV0        bool
	// Timeout is PLATFORM_POLICY_TIMEOUT (policyTimeout); 0 is policy.DefaultTimeout.
	Timeout time.Duration
	// Resolver fetches policy bundles given as git references.
	Resolver func() (*scaffold.Resolver, error)
}

func addPolicyFlags(fl *pflag.FlagSet, opts *PolicyOptions) {
	fl.StringArrayVar(&opts.Policies, "policy", nil, "run the Rego policies of `DIR` (or GIT_URL//SUBDIR@REF) as policy/* rules (repeatable; adds to lint.policies)")
	fl.StringArrayVar(&opts.Data, "policy-data", nil, "merge the YAML/JSON documents of `DIR` under data for the policies (repeatable; adds to lint.policyData)")
	fl.StringArrayVar(&opts.Namespaces, "namespace", nil, "run the policy rules of Rego package `NAME` (repeatable; default lint.policyNamespaces, else main)")
	fl.BoolVar(&opts.AllNamespaces, "all-namespaces", false, "run the policy rules of every Rego package")
	fl.BoolVar(&opts.RegoV0, "rego-v0", false, "read the policies with the Rego v0 syntax (as lint.regoVersion: v0)")
}

// loadPolicies compiles the policies of the flags and of platform.yaml (whose
// relative paths are relative to root), or returns nil when there are none.
func loadPolicies(ctx context.Context, opts *PolicyOptions, lintCfg config.Lint, root string) (*policy.Set, error) {
	sources := slices.Concat(opts.Policies, rooted(root, lintCfg.Policies))
	if len(sources) == 0 {
		if opts.AllNamespaces || len(opts.Namespaces) > 0 || len(opts.Data) > 0 {
			return nil, flagErrorf("--namespace, --all-namespaces and --policy-data need policies: give --policy DIR or lint.policies")
		}
		return nil, nil
	}
	cfg := policy.Config{
		Namespaces:    orDefault(opts.Namespaces, lintCfg.PolicyNamespaces),
		AllNamespaces: opts.AllNamespaces,
		RegoV0:        opts.RegoV0 || lintCfg.RegoVersion == "v0",
		Files:         lintCfg.PolicyFiles,
		Data:          map[string]any{},
		Timeout:       opts.Timeout,
	}
	for _, src := range sources {
		err := policy.ReadSource(ctx, src, opts.resolver, func(fsys fs.FS, dir, display string) error {
			mods, err := policy.ReadModules(fsys, dir, display)
			cfg.Modules = append(cfg.Modules, mods...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	for _, src := range slices.Concat(opts.Data, rooted(root, lintCfg.PolicyData)) {
		err := policy.ReadSource(ctx, src, opts.resolver, func(fsys fs.FS, dir, display string) error {
			return policy.ReadData(fsys, dir, display, cfg.Data)
		})
		if err != nil {
			return nil, err
		}
	}
	return policy.Compile(ctx, cfg)
}

// rooted makes platform.yaml's relative directories relative to the root.
func rooted(root string, dirs []string) []string {
	out := make([]string, 0, len(dirs))
	for _, d := range dirs {
		if _, ok := scaffold.ParseGitRef(d); ok || filepath.IsAbs(d) {
			out = append(out, d)
			continue
		}
		out = append(out, filepath.Join(root, d))
	}
	return out
}

// resolver is the template resolver, which fetches policy bundles given as
// git references into its cache; nil when they are not available here.
func (opts *PolicyOptions) resolver() (*scaffold.Resolver, error) {
	if opts.Resolver == nil {
		return nil, nil
	}
	return opts.Resolver()
}

// withPolicies is every registered rule plus the policy set's.
func withPolicies(set *policy.Set) []lint.Rule {
	if set == nil {
		return lintRules()
	}
	return lint.Sorted(slices.Concat(lintRules(), set.Rules())...)
}
