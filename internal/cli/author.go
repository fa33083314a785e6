package cli

import (
	"errors"
	"fmt"

	"github.com/platform-team/platform/internal/gitx"
	"github.com/platform-team/platform/internal/iostreams"
)

// fallbackAuthor commits when no git identity can be found: a fresh machine
// or a CI image still gets its commit, and the warning says how to set one.
var fallbackAuthor = gitx.Author{Name: "platform", Email: "platform@localhost"}

// commitAuthor is the author of the commits platform makes (new service's
// first commit, a promotion): the git identity from the environment and git
// config, else fallbackAuthor with a warning on stderr.
func commitAuthor(io *iostreams.IOStreams, getenv func(string) string) gitx.Author {
	author, err := gitx.ResolveAuthor(getenv)
	if err == nil {
		return author
	}
	warn := io.Styles().WarningIcon()
	if errors.Is(err, gitx.ErrNoAuthor) {
		fmt.Fprintf(io.ErrOut, "%s no git identity found: committing as %s <%s>; set one with git config --global user.name/user.email or PLATFORM_GIT_AUTHOR_NAME/PLATFORM_GIT_AUTHOR_EMAIL\n",
			warn, fallbackAuthor.Name, fallbackAuthor.Email)
	} else {
		fmt.Fprintf(io.ErrOut, "%s cannot read git identity (%v): committing as %s <%s>\n", warn, err, fallbackAuthor.Name, fallbackAuthor.Email)
	}
	return fallbackAuthor
}
