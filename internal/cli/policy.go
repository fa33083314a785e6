package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/platform-team/platform/internal/iostreams"
	"github.com/platform-team/platform/internal/policytest"
)

func newPolicyCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Test the organisation's Rego policies",
		Args:  exactArgs(0, "a subcommand: test"),
	}
	cmd.AddCommand(newPolicyTestCmd(f, nil))
	return cmd
}

// PolicyTestOptions are the inputs of `platform policy test [DIR]`.
type PolicyTestOptions struct {
	IO *iostreams.IOStreams
	// Getenv reads the per-test timeout (PLATFORM_POLICY_TIMEOUT).
	Getenv func(string) string

	Dir      string
	DataDirs []string
	RegoV0   bool
	JSON     bool
}

func newPolicyTestCmd(f *Factory, runF func(context.Context, *PolicyTestOptions) error) *cobra.Command {
	opts := &PolicyTestOptions{}
	cmd := &cobra.Command{
		Use:   "test [DIR]",
		Short: "Run the unit tests of Rego policies (test_* rules), like opa test",
		Long: `Run the unit tests of the Rego policies below DIR (default: the current
directory), as 'opa test' and 'conftest verify' do: every .rego file below DIR
is compiled together, and every rule whose name starts with test_ (by
convention in a *_test.rego file next to the policy) is a test that passes
when it is defined and true. Rules named todo_test_* are skipped.

--policy-data loads the YAML and JSON files of a directory as data documents,
as conftest's --data and 'platform lint --policy-data' do. Modules are Rego v1;
--rego-v0 reads them as v0 (no if/contains keywords).

Each test may evaluate for 5s (PLATFORM_POLICY_TIMEOUT, a Go duration): a
runaway test fails instead of hanging the run.

Exits 0 when every test passes, 1 when one fails (each named with its file and
line), 2 when a module does not parse or compile (file:line: message) or DIR
holds no test.`,
		Example: `  platform policy test
  platform policy test docs/policy-examples
  platform policy test policies --policy-data policies/data
  platform policy test legacy-policies --rego-v0 --json`,
		Args: maxArgs(1, "one DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			opts.IO, opts.Getenv = f.IOStreams, f.Getenv
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPolicyTest(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.DataDirs, "policy-data", nil, "load the YAML/JSON data documents of `DIR` (repeatable)")
	cmd.Flags().BoolVar(&opts.RegoV0, "rego-v0", false, "read the modules as Rego v0 syntax")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the results as JSON: [{name, package, file, line, pass}]")
	return cmd
}

func runPolicyTest(ctx context.Context, opts *PolicyTestOptions) error {
	timeout, err := policyTimeout(opts.Getenv)
	if err != nil {
		return err
	}
	report, err := policytest.Run(ctx, policytest.Options{Dir: opts.Dir, DataDirs: opts.DataDirs, RegoV0: opts.RegoV0, Timeout: timeout})
	if err != nil {
		return err
	}
	if len(report.Results) == 0 {
		return usageErrorf("no tests in %s: a test is a rule named test_*, in a *_test.rego file next to the policy", opts.Dir)
	}
	passed, failed, skipped := report.Counts()
	if opts.JSON {
		results := report.Results
		data, err := json.MarshalIndent(results, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.Out, "%s\n", data)
	} else {
		printPolicyResults(opts.IO, report, passed, failed, skipped)
	}
	if failed > 0 {
		return &SilentError{Code: ExitCheckFailed}
	}
	return nil
}

// printPolicyResults prints one line per test, what a failed test printed
// and why it errored, and the counts.
func printPolicyResults(io *iostreams.IOStreams, report *policytest.Report, passed, failed, skipped int) {
	out, st := io.Out, io.Styles()
	for _, r := range report.Results {
		status := st.Success.Render("ok  ")
		switch {
		case r.Skipped:
			status = st.Warning.Render("SKIP")
		case !r.Pass:
			status = st.Error.Render("FAIL")
		}
		fmt.Fprintf(out, "%s %s:%d: %s.%s\n", status, r.File, r.Line, r.Package, r.Name)
		if r.Output != "" {
			fmt.Fprintf(out, "     %s\n", strings.ReplaceAll(r.Output, "\n", "\n     "))
		}
		if r.Error != "" {
			fmt.Fprintf(out, "     error: %s\n", strings.ReplaceAll(r.Error, "\n", "\n     "))
		}
	}
	summary := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if skipped > 0 {
		summary += fmt.Sprintf(", %d skipped", skipped)
	}
	fmt.Fprintln(out, summary)
}

// policyTimeout reads PLATFORM_POLICY_TIMEOUT, a Go duration, for policy
// test and for lint's policies; unset is 0, each one's default.
func policyTimeout(getenv func(string) string) (time.Duration, error) {
	v := getenv(policytest.EnvTimeout)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, usageErrorf("%s %q: want a duration such as 30s", policytest.EnvTimeout, v)
	}
	return d, nil
}
