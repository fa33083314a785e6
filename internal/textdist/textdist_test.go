package textdist

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"", "", 5, 0},
		{"script", "script", 5, 0},
		{"scirpt", "script", 5, 1}, // a swap is one edit
		{"scrip", "script", 5, 1},
		{"scripts", "script", 5, 1},
		{"stage", "stages", 5, 1},
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 2, 2}, // capped at the limit
		{"a", "abcdef", 3, 3},
	} {
		if got := Distance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"image", "imagePullPolicy", "livenessProbe", "readinessProbe", "resources", "script", "stage"}
	for in, want := range map[string]string{
		"imagePulPolicy": "imagePullPolicy", "ImagePullPolicy": "imagePullPolicy", "livenessprobe": "livenessProbe",
		"resource": "resources", "readynessProbe": "readinessProbe", "volumes": "", "x": "",
		"scirpt": "script", "stgae": "stage",
	} {
		if got := Suggest(in, names); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
