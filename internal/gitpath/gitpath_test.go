package gitpath

import "testing"

func TestIsDotGit(t *testing.T) {
	for seg, want := range map[string]bool{
		".git": true, ".GIT": true, ".Git.": true, ".git ": true, ".git::$INDEX_ALLOCATION": true,
		"GIT~1": true, "git~12": true, ".g\u200cit": true, "\ufeff.git": true,
		"git": false, ".gitignore": false, ".github": false, "git~": false, "x.git": false, "": false,
	} {
		if got := IsDotGit(seg); got != want {
			t.Errorf("IsDotGit(%q) = %v, want %v", seg, got, want)
		}
	}
}
