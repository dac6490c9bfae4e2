// A Go Automation API program for test/e2e/plugin-go.test.ts: an inline program that declares the
// plugin's two resources by type token (no generated SDK), run one step per invocation so the test can
// look at the emulator and the state in between.
//
//	plugin-go [-import] up|preview|refresh|destroy
//
// The backend, passphrase and PATH (pulumi, pulumi-resource-css-vpcep) come from the environment;
// the provider config from PLUGIN_GO_ENDPOINT, _PROJECT_ID, _ACCESS_KEY, _SECRET_KEY. Prints one JSON
// line on stdout; the engine's progress goes to stderr.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

const (
	approvalCluster = "c-go-approval"
	serviceCluster  = "c-go-service"
	account         = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
)

// Only the outputs the program exports; the rest stay in state.
type approval struct {
	pulumi.CustomResourceState
	Connections pulumi.ArrayOutput `pulumi:"connections"`
}

type service struct {
	pulumi.CustomResourceState
	Open pulumi.BoolOutput `pulumi:"open"`
}

func program(withImport bool) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		// With -import, adopt what exists under these ids instead of creating it.
		opts := func(id string) []pulumi.ResourceOption {
			if withImport {
				return []pulumi.ResourceOption{pulumi.Import(pulumi.ID(id))}
			}
			return nil
		}
		var a approval
		if err := ctx.RegisterResource("css-vpcep:index:VpcepConnectionApproval", "approval", pulumi.Map{
			"clusterId":   pulumi.ToSecret(pulumi.String(approvalCluster)), // must stay out of the id
			"endpointIds": pulumi.ToStringArray([]string{"ep-1", "ep-2"}),
		}, &a, opts(approvalCluster+"/ep-1,ep-2")...); err != nil {
			return err
		}
		var s service
		if err := ctx.RegisterResource("css-vpcep:index:VpcepService", "service", pulumi.Map{
			"clusterId": pulumi.String(serviceCluster),
			"whitelist": pulumi.ToStringArray([]string{account}),
		}, &s, opts(serviceCluster)...); err != nil {
			return err
		}
		ctx.Export("connections", a.Connections)
		ctx.Export("open", s.Open)
		return nil
	}
}

// result is what the test reads: the engine's change counts and the stack outputs.
type result struct {
	Step    string                 `json:"step"`
	Changes map[string]int         `json:"changes"`
	Outputs map[string]interface{} `json:"outputs,omitempty"`
}

func run(ctx context.Context, step string, withImport bool) (result, error) {
	res := result{Step: step}
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "css-vpcep-plugin-go", program(withImport),
		auto.WorkDir(os.Getenv("PLUGIN_GO_WORKDIR"))) // a fixed folder, so the test's CLI can find the stack
	if err != nil {
		return res, err
	}
	if err := stack.SetAllConfig(ctx, auto.ConfigMap{
		"css-vpcep:endpoint":  {Value: os.Getenv("PLUGIN_GO_ENDPOINT")},
		"css-vpcep:projectId": {Value: os.Getenv("PLUGIN_GO_PROJECT_ID")},
		"css-vpcep:accessKey": {Value: os.Getenv("PLUGIN_GO_ACCESS_KEY")},
		"css-vpcep:secretKey": {Value: os.Getenv("PLUGIN_GO_SECRET_KEY"), Secret: true},
	}); err != nil {
		return res, err
	}
	counts := func(m *map[string]int) map[string]int {
		if m == nil {
			return map[string]int{}
		}
		return *m
	}
	switch step {
	case "up":
		r, err := stack.Up(ctx, optup.ProgressStreams(os.Stderr))
		if err != nil {
			return res, err
		}
		res.Changes = counts(r.Summary.ResourceChanges)
		res.Outputs = map[string]interface{}{}
		for k, v := range r.Outputs {
			res.Outputs[k] = v.Value
		}
	case "preview":
		r, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stderr), optpreview.Diff())
		if err != nil {
			return res, err
		}
		res.Changes = map[string]int{}
		for op, n := range r.ChangeSummary {
			res.Changes[string(op)] = n
		}
	case "refresh":
		r, err := stack.Refresh(ctx, optrefresh.ProgressStreams(os.Stderr))
		if err != nil {
			return res, err
		}
		res.Changes = counts(r.Summary.ResourceChanges)
	case "destroy":
		r, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stderr))
		if err != nil {
			return res, err
		}
		res.Changes = counts(r.Summary.ResourceChanges)
	default:
		return res, fmt.Errorf("unknown step %q", step)
	}
	return res, nil
}

func main() {
	withImport := flag.Bool("import", false, "declare the resources with the import option")
	flag.Parse()
	res, err := run(context.Background(), flag.Arg(0), *withImport)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
}
