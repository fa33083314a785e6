package fleet

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/platform-team/platform/internal/gitlab"
	"github.com/platform-team/platform/internal/scaffold"
)

// BenchmarkFleetStatus is `platform fleet status` on a group of 500
// projects in 10 subgroups, each answering after 20 ms, as a GitLab a
// continent away would. Every project is behind (go-service 0.9.0 against
// the embedded 1.0.0), the worst case: answers, catalog and the open
// update merge request, three requests each; one in five has that merge
// request. The client does not retry and dials through the default
// transport's settings, counting connections. A run without latency shows
// what the client and the fake cost on their own.
//
//	go test -run '^$' -bench BenchmarkFleetStatus -benchtime 1x -count 3 ./internal/fleet/
func BenchmarkFleetStatus(b *testing.B) {
	const (
		projects = 500
		latency  = 20 * time.Millisecond
	)
	f := newFakeFleet(b)
	answers := embeddedAnswers(b, "go-service", "0.9.0")
	for i := range projects {
		p := fmt.Sprintf("fleet/team%d/svc-%03d", i%10, i)
		f.project(p, map[string]string{
			scaffold.AnswersFile: answers,
			scaffold.CatalogFile: catalog(fmt.Sprintf("team%d", i%10)),
		})
		if i%5 == 0 {
			f.srv.AddMergeRequest(p, "platform/update-go-service-1.0.0", "main", "Update go-service to 1.0.0")
		}
	}

	for _, c := range []struct {
		latency  time.Duration
		parallel int
	}{
		{latency, 4}, // the default
		{latency, 16},
		{0, 4}, // what the client and the fake cost beside the latency
	} {
		name := fmt.Sprintf("latency=%s/parallel=%d", c.latency, c.parallel)
		parallel := c.parallel
		b.Run(name, func(b *testing.B) {
			f.srv.SetLatency(c.latency)
			var dials atomic.Int64
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = gitlab.MaxIdleConnsPerHost // as gitlab.New sets it
			dial := tr.DialContext
			tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials.Add(1)
				return dial(ctx, network, addr)
			}
			client, err := gitlab.New(gitlab.Config{
				BaseURL: f.srv.URL, Token: f.srv.Token, RetryMax: -1,
				HTTPClient: &http.Client{Transport: tr},
			})
			if err != nil {
				b.Fatal(err)
			}
			opts := Options{Client: client, Group: "fleet", Parallel: parallel, Sources: embeddedSources(nil)}
			var runs, requests, perProjectMax, perProjectSum int
			for b.Loop() {
				runs++
				f.srv.ResetRequests()
				services, err := Status(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				if len(services) != projects {
					b.Fatalf("%d services, want %d", len(services), projects)
				}
				for _, s := range services {
					if s.State != Behind {
						b.Fatalf("%s: %s %s, want behind", s.Project, s.State, s.Reason)
					}
				}
				requests += len(f.srv.Requests())
				for _, n := range f.srv.RequestsPerProject() {
					perProjectSum += n
					perProjectMax = max(perProjectMax, n)
				}
			}
			b.ReportMetric(float64(perProjectSum)/float64(runs*projects), "req/project")
			b.ReportMetric(float64(perProjectMax), "max-req/project")
			b.ReportMetric(float64(requests)/float64(runs), "req/op")
			b.ReportMetric(float64(dials.Load())/float64(runs), "conns/op")
		})
	}
}
