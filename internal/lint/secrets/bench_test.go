package secrets_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/platform-team/platform/internal/lint/linttest"
	"github.com/platform-team/platform/internal/lint/secrets"
)

// mixedText generates about size bytes of source code, YAML, Markdown and
// shell, in files of about 10 kB, with a secret now and then.
func mixedText(size int) map[string]string {
	chunks := []string{
		"func handler(w http.ResponseWriter, r *http.Request) {\n\ttoken := r.Header.Get(\"Authorization\")\n\tif token == \"\" {\n\t\thttp.Error(w, \"unauthorized\", 401)\n\t}\n}\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/payments:1.2.3\n          env:\n            - name: DB_PASSWORD\n              valueFrom: {secretKeyRef: {name: db, key: password}}\n",
		"## Configuration\n\nSet `API_KEY` in the project's CI/CD variables; the key looks like `sk_live_...`.\nThe cache key is derived from go.sum, and the secret store is Vault.\n",
		"#!/bin/sh\nset -eu\ncurl --fail -H \"PRIVATE-TOKEN: $GITLAB_TOKEN\" \"$CI_API_V4_URL/projects/$CI_PROJECT_ID/releases\"\nexport CHECKSUM=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n",
		"password: " + entropy + "\n",
		"deploy_token=" + glpat + "\n",
	}
	files := map[string]string{}
	total, i := 0, 0
	for n := 0; total < size; n++ {
		var b strings.Builder
		for b.Len() < 10_000 {
			c := chunks[i%4]
			if i%97 == 0 {
				c = chunks[4+(i/97)%2]
			}
			b.WriteString(c)
			i++
		}
		files[fmt.Sprintf("src/f%d.txt", n)] = b.String()
		total += b.Len()
	}
	return files
}

func BenchmarkSecrets(b *testing.B) {
	files := mixedText(1 << 20)
	total := 0
	for _, v := range files {
		total += len(v)
	}
	rules := secrets.Rules()
	if len(linttest.Run(rules, files)) == 0 {
		b.Fatal("the generated text should have findings")
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		linttest.Run(rules, files)
	}
}
