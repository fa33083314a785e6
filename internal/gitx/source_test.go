package gitx

import "testing"

func TestLocalRepoPath(t *testing.T) {
	tests := []struct {
		in, path string
		local    bool
	}{
		{"/srv/repo.git", "/srv/repo.git", true},
		{"./repo", "./repo", true},
		{"repo", "repo", true},
		{"./dir:with/colon", "./dir:with/colon", true},
		{`C:\repos\x`, `C:\repos\x`, true},
		{"file:///srv/repo.git", "/srv/repo.git", true},
		{"file:///srv/with%20space", "/srv/with space", true},
		{"git@host:group/repo.git", "", false},
		{"host:repo", "", false},
		{"https://host/repo.git", "", false},
		{"ssh://git@host/repo.git", "", false},
	}
	for _, tt := range tests {
		path, local := localRepoPath(tt.in)
		if local != tt.local || path != tt.path {
			t.Errorf("localRepoPath(%q) = %q, %v; want %q, %v", tt.in, path, local, tt.path, tt.local)
		}
	}
}
