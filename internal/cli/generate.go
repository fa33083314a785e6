package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenerateCmd writes the generated files kept in the repository: shell
// completions and the CLI reference. `make generate` runs it; a test checks
// that the committed files match.
func newGenerateCmd(f *Factory) *cobra.Command {
	var completionsDir, docsDir, rulesDir, manDir string
	cmd := &cobra.Command{
		Use:    "generate",
		Short:  "Write shell completions, man pages, the Markdown CLI reference and the lint rule pages",
		Hidden: true,
		Args:   exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			// A bad SOURCE_DATE_EPOCH fails before anything is written.
			date, err := manDate(f.Getenv("SOURCE_DATE_EPOCH"))
			if err != nil && manDir != "" {
				return usageErrorf("%w", err)
			}
			if err := Generate(cmd.Root(), completionsDir, docsDir, rulesDir); err != nil {
				return err
			}
			if manDir == "" {
				return nil
			}
			return GenerateMan(cmd.Root(), manDir, date)
		},
	}
	cmd.Flags().StringVar(&completionsDir, "completions", "completions", "write completions into `DIR`")
	cmd.Flags().StringVar(&docsDir, "docs", "docs/cli", "write the CLI reference into `DIR`")
	cmd.Flags().StringVar(&rulesDir, "rules", "docs/rules", "write the lint rule reference into `DIR`")
	cmd.Flags().StringVar(&manDir, "man", "", "also write man pages (section 1) into `DIR`, dated by SOURCE_DATE_EPOCH")
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

// GenerateMan writes one man page per command into dir. The pages are not
// committed: the release packs them (see .goreleaser.yaml). The date is fixed
// by the caller so that two runs write the same bytes.
func GenerateMan(root *cobra.Command, dir string, date time.Time) error {
	root.InitDefaultCompletionCmd()
	disableAutoGenTag(root)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	header := &doc.GenManHeader{Section: "1", Date: &date, Source: "platform", Manual: "platform manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		return fmt.Errorf("generate man pages: %w", err)
	}
	return nil
}

// manDate is the date in the man pages' header: SOURCE_DATE_EPOCH (the release
// sets it to the commit time), else the Unix epoch rather than today, which
// would make every run differ.
func manDate(sourceDateEpoch string) (time.Time, error) {
	if sourceDateEpoch == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	sec, err := strconv.ParseInt(sourceDateEpoch, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", sourceDateEpoch)
	}
	return time.Unix(sec, 0).UTC(), nil
}
