package scaffold_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/platform-team/platform/internal/scaffold"
	"github.com/platform-team/platform/templates"
)

func goService(b *testing.B) *scaffold.Template {
	b.Helper()
	sub, err := fs.Sub(templates.FS, "go-service")
	if err != nil {
		b.Fatal(err)
	}
	t, err := scaffold.Load(sub, scaffold.Source{Kind: scaffold.SourceEmbedded})
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// BenchmarkRenderGoService renders the golden path into a plan, in memory.
func BenchmarkRenderGoService(b *testing.B) {
	t := goService(b)
	values, err := scaffold.Collect(t.Manifest, scaffold.Inputs{Name: "payments", Owner: "group:payments"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scaffold.Render(context.Background(), t, values, scaffold.RenderOptions{PlatformVersion: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderAndWriteGoService renders the golden path and writes it through
// the staging directory into a new destination.
func BenchmarkRenderAndWriteGoService(b *testing.B) {
	t := goService(b)
	values, err := scaffold.Collect(t.Manifest, scaffold.Inputs{Name: "payments", Owner: "group:payments"})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		plan, err := scaffold.Render(context.Background(), t, values, scaffold.RenderOptions{PlatformVersion: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		i++
		if _, err := scaffold.Write(context.Background(), plan, filepath.Join(dir, strconv.Itoa(i)), scaffold.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
