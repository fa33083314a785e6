package yamlmerge_test

import (
	"fmt"

	"github.com/platform-team/platform/internal/yamlmerge"
)

func ExampleMerge() {
	base := []byte(`kind: Component
metadata:
  name: demo
  annotations:
    platform.example.com/template-version: 1.0.0
spec:
  lifecycle: experimental
`)
	ours := []byte(`kind: Component
metadata:
  name: demo
  annotations:
    platform.example.com/template-version: 1.0.0
    pagerduty.com/service-id: P123 # the team's
spec:
  lifecycle: production
`)
	theirs := []byte(`kind: Component
metadata:
  name: demo
  annotations:
    platform.example.com/template-version: 1.1.0
spec:
  lifecycle: beta
  type: service
`)
	res, err := yamlmerge.Merge(base, ours, theirs, yamlmerge.Options{
		Force: [][]string{{"metadata", "annotations", "platform.example.com/template-version"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(res.Data))
	fmt.Println(res.Kept)
	// Output:
	// kind: Component
	// metadata:
	//   name: demo
	//   annotations:
	//     platform.example.com/template-version: 1.1.0
	//     pagerduty.com/service-id: P123 # the team's
	// spec:
	//   lifecycle: production
	//   type: service
	// [Component demo: spec.lifecycle]
}
