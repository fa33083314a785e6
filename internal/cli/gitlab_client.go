package cli

// gitLabConnector connects to the GitLab at a URL (Factory.GitLab). Commands
// hold one in their options, so tests can hand them a client of their own.
type gitLabConnector func(url string) (*GitLab, error)
