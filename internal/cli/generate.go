package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenerateCmd writes the generated files kept in the repository: shell
// completions and the CLI reference. `make generate` runs it; a test checks
// that the committed files match.
func newGenerateCmd(f *Factory) *cobra.Command {
	var completionsDir, docsDir, rulesDir string
	cmd := &cobra.Command{
		Use:    "generate",
		Short:  "Write shell completions and the Markdown CLI reference",
		Hidden: true,
		Args:   exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Generate(cmd.Root(), completionsDir, docsDir, rulesDir)
		},
	}
	cmd.Flags().StringVar(&completionsDir, "completions", "completions", "write completions into `DIR`")
	cmd.Flags().StringVar(&docsDir, "docs", "docs/cli", "write the CLI reference into `DIR`")
	cmd.Flags().StringVar(&rulesDir, "rules", "docs/rules", "write the lint rule reference into `DIR`")
	return cmd
}

// Generate writes completions/platform.{bash,zsh,fish,ps1}, one Markdown page
// per command, and one page per lint rule into the given directories.
func Generate(root *cobra.Command, completionsDir, docsDir, rulesDir string) error {
	// cobra adds the completion command when it executes; generate the same tree either way.
	root.InitDefaultCompletionCmd()
	if err := os.MkdirAll(completionsDir, 0o755); err != nil {
		return err
	}
	gens := map[string]func(string) error{
		"platform.bash": func(p string) error { return root.GenBashCompletionFileV2(p, true) },
		"platform.zsh":  root.GenZshCompletionFile,
		"platform.fish": func(p string) error { return root.GenFishCompletionFile(p, true) },
		"platform.ps1":  root.GenPowerShellCompletionFileWithDesc,
	}
	for name, gen := range gens {
		if err := gen(filepath.Join(completionsDir, name)); err != nil {
			return fmt.Errorf("generate %s: %w", name, err)
		}
	}
	if err := os.MkdirAll(docsDir, 0o755); err != nil {
		return err
	}
	disableAutoGenTag(root)
	if err := doc.GenMarkdownTree(root, docsDir); err != nil {
		return fmt.Errorf("generate CLI reference: %w", err)
	}
	if err := writeRuleDocs(rulesDir, lintRules()); err != nil {
		return fmt.Errorf("generate rule reference: %w", err)
	}
	return nil
}

func disableAutoGenTag(cmd *cobra.Command) {
	cmd.DisableAutoGenTag = true
	for _, c := range cmd.Commands() {
		disableAutoGenTag(c)
	}
}
