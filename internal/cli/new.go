package cli

import "github.com/spf13/cobra"

func newNewCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Create something new from a golden path",
		Args:  exactArgs(0, "a subcommand such as 'service'"),
	}
	cmd.AddCommand(newNewServiceCmd(f, nil))
	return cmd
}
