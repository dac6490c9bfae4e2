// Command pulumi-language-nodejs is a small Node.js language host for the Pulumi engine.
//
// Why it exists: Pulumi's own host lives in a Go module without release tags, and the module proxy
// we can reach does not serve it. The engine cannot run a `runtime: nodejs` project without a
// language host, so scripts/install-pulumi.sh builds this one instead.
//
// What it does not do: the real work of running a program (ts-node, config, the resource monitor
// connection, error reporting) happens in @pulumi/pulumi's own `cmd/run` script, which ships in the
// project's node_modules. This host only has to start that script with the same command line and
// environment as the upstream host, and map the result back onto the RPC protocol.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	// The module that actually runs a program; PULUMI_LANGUAGE_NODEJS_RUN_PATH overrides it, as upstream allows.
	defaultRunModule = "@pulumi/pulumi/cmd/run"

	// cmd/run exits with this code once it has already shown the user a proper error message. The
	// engine should then stop quietly (RunResponse.Bail) instead of adding a second, vaguer error.
	exitCodeErrorAlreadyReported = 32
)

func main() {
	args := parseArgs(os.Args[1:])
	if args.showVersion {
		fmt.Println(version.Version)
		return
	}
	logging.InitLogging(args.logToStderr, args.verbose, false)

	// Stop serving on Ctrl-C, or when the engine that started us has gone away, so that a crashed
	// `pulumi` never leaves this process behind.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	host := newHost(args.engine, args.tracing)
	if args.engine != "" {
		if err := rpcutil.Healthcheck(ctx, args.engine, 5*time.Minute, stop); err != nil {
			fail("could not watch the engine: %v", err)
		}
	}

	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		host.cancelRuns()
		close(cancel)
	}()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fail("could not start the language host RPC server: %v", err)
	}

	// The engine reads the first line of our stdout to learn where to connect.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fail("language host RPC server stopped: %v", err)
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", a...)
	os.Exit(1)
}

// cliArgs is what we take from our command line.
type cliArgs struct {
	engine      string
	tracing     string
	logToStderr bool
	verbose     int
	showVersion bool
}

// parseArgs reads the command line by hand rather than with the flag package, because the engine
// and older or newer CLIs pass flags we do not know about (-root, -binary, -typescript, --logflow,
// ...) and flag.Parse would exit on the first unknown one. Unknown flags are skipped; one without
// "=value" is taken as a boolean. The engine address is the last positional argument (the engine
// always puts it last), which stays right even if an unknown flag's value was left positional.
func parseArgs(argv []string) cliArgs {
	var out cliArgs
	var positional []string
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		if arg == "--" {
			positional = append(positional, argv[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			positional = append(positional, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		// Flags we read whose value may also come as the next argument.
		takeValue := func() string {
			if hasValue {
				return value
			}
			if i+1 < len(argv) {
				i++
				return argv[i]
			}
			return ""
		}
		switch name {
		case "tracing":
			out.tracing = takeValue()
		case "runtime", "root", "binary", "tsconfig", "nodeargs":
			// Upstream flags that we accept for compatibility and ignore: the engine hands us the
			// project root and runtime options in every request anyway.
			takeValue()
		case "v":
			out.verbose, _ = strconv.Atoi(takeValue())
		case "logtostderr":
			out.logToStderr = !hasValue || value == "true"
		case "version":
			out.showVersion = !hasValue || value == "true"
		}
	}
	if len(positional) > 0 {
		out.engine = positional[len(positional)-1]
	}
	return out
}

// nodeHost implements pulumirpc.LanguageRuntimeServer. The embedded Unimplemented server answers
// codes.Unimplemented for what we leave out (code generation, packing, linking, RunPlugin).
type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	tracing string

	mu     sync.Mutex
	engine string
	// Cancelled by the Cancel RPC or our own shutdown; running programs get SIGINT.
	runCtx    context.Context
	cancelRun context.CancelFunc
}

func newHost(engine, tracing string) *nodeHost {
	ctx, cancel := context.WithCancel(context.Background())
	return &nodeHost{engine: engine, tracing: tracing, runCtx: ctx, cancelRun: cancel}
}

func (h *nodeHost) cancelRuns() { h.cancelRun() }

func (h *nodeHost) engineAddress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engine
}

// runtimeOptions are the `runtime.options` of Pulumi.yaml that matter to us.
type runtimeOptions struct {
	typescript     bool   // run .ts through ts-node (upstream default: true)
	tsconfig       string // passed to cmd/run as PULUMI_NODEJS_TSCONFIG_PATH
	nodeargs       []string
	packagemanager npm.PackageManagerType
}

func parseRuntimeOptions(s *structpb.Struct) (runtimeOptions, error) {
	opts := runtimeOptions{typescript: true, packagemanager: npm.AutoPackageManager}
	m := s.AsMap() // nil-safe
	if v, ok := m["typescript"]; ok {
		b, ok := v.(bool)
		if !ok {
			return opts, errors.New("typescript option must be a boolean")
		}
		opts.typescript = b
	}
	if v, ok := m["tsconfig"]; ok {
		str, ok := v.(string)
		if !ok {
			return opts, errors.New("tsconfig option must be a string")
		}
		opts.tsconfig = str
	}
	if v, ok := m["nodeargs"]; ok {
		str, ok := v.(string)
		if !ok {
			return opts, errors.New("nodeargs option must be a string")
		}
		// Upstream splits with shell quoting rules; plain whitespace splitting covers the usual
		// `--max-old-space-size=4096` without pulling in another module.
		opts.nodeargs = strings.Fields(str)
	}
	if v, ok := m["packagemanager"]; ok {
		str, ok := v.(string)
		if !ok {
			return opts, errors.New("packagemanager option must be a string")
		}
		switch pm := npm.PackageManagerType(str); pm {
		case npm.AutoPackageManager, npm.NpmPackageManager, npm.YarnPackageManager,
			npm.PnpmPackageManager, npm.BunPackageManager:
			opts.packagemanager = pm
		default:
			return opts, fmt.Errorf("packagemanager option must be one of auto, npm, yarn, pnpm or bun, got %q", str)
		}
	}
	return opts, nil
}

// programDir prefers the structured ProgramInfo and falls back to the older flat fields, so that the
// host also works with engines that fill in only one of them.
func programDir(info *pulumirpc.ProgramInfo, pwd string) string {
	if d := info.GetProgramDirectory(); d != "" {
		return d
	}
	return pwd
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Handshake is only used when the engine attaches to an already running host (PULUMI_DEBUG_LANGUAGES);
// it is how we learn the engine address in that case.
func (h *nodeHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engine = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetRequiredPackages tells the engine which provider plugins the program's npm dependencies need,
// so it can check they are installed before the run. Like upstream we trust package.json's
// "pulumi": {"resource": true} marker; unlike upstream we only look at the direct entries of
// <program>/node_modules (and @scope folders), not the whole tree: deeper copies are transitive
// dependencies the engine will load on demand anyway. Read errors are logged and skipped, because a
// missing hint must not stop a deployment. The dynamic provider plugin (pulumi-nodejs) is not an npm
// package dependency and is found next to the CLI.
func (h *nodeHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	modules := filepath.Join(req.GetInfo().GetProgramDirectory(), "node_modules")
	var pkgDirs []string
	entries, err := os.ReadDir(modules)
	if err != nil {
		logging.V(5).Infof("GetRequiredPackages: %v", err)
	}
	for _, e := range entries {
		dir := filepath.Join(modules, e.Name())
		if strings.HasPrefix(e.Name(), "@") {
			scoped, _ := os.ReadDir(dir)
			for _, s := range scoped {
				pkgDirs = append(pkgDirs, filepath.Join(dir, s.Name()))
			}
		} else if !strings.HasPrefix(e.Name(), ".") {
			pkgDirs = append(pkgDirs, dir)
		}
	}

	var packages []*pulumirpc.PackageDependency
	for _, dir := range pkgDirs {
		dep, err := pluginOfPackage(filepath.Join(dir, "package.json"))
		if err != nil {
			logging.V(5).Infof("GetRequiredPackages: %v", err)
		} else if dep != nil {
			packages = append(packages, dep)
		}
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// pluginOfPackage returns the resource plugin an npm package declares, or nil if it declares none.
func pluginOfPackage(path string) (*pulumirpc.PackageDependency, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var pkg struct {
		Name    string                  `json:"name"`
		Version string                  `json:"version"`
		Pulumi  plugin.PulumiPluginJSON `json:"pulumi"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !pkg.Pulumi.Resource {
		return nil, nil
	}
	name := pkg.Pulumi.Name
	if name == "" {
		// Only @pulumi/x may leave the plugin name implicit (it is then x).
		if !strings.HasPrefix(pkg.Name, "@pulumi/") {
			return nil, fmt.Errorf("%s: third-party package %q must set pulumi.name", path, pkg.Name)
		}
		name = strings.TrimPrefix(pkg.Name, "@pulumi/")
	}
	ver := pkg.Pulumi.Version
	if ver == "" {
		ver = pkg.Version
	}
	if ver != "" && !strings.HasPrefix(ver, "v") {
		ver = "v" + ver
	}
	dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: ver, Server: pkg.Pulumi.Server}
	if p := pkg.Pulumi.Parameterization; p != nil {
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
	}
	return dep, nil
}

// GetRequiredPlugins is the pre-GetRequiredPackages form; the engine only falls back to it when
// GetRequiredPackages is unimplemented, so we answer with the same data.
func (h *nodeHost) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	info := req.GetInfo()
	if info == nil {
		info = &pulumirpc.ProgramInfo{ProgramDirectory: req.GetPwd()}
	}
	resp, err := h.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{Info: info})
	if err != nil {
		return nil, err
	}
	var plugins []*pulumirpc.PluginDependency
	for _, p := range resp.GetPackages() {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.GetName(), Kind: p.GetKind(), Version: p.GetVersion(), Server: p.GetServer(),
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// Run executes the program once (one preview, update, refresh or destroy pass) and reports how it
// ended. A failing program is not an RPC error: it is reported in RunResponse.Error so the engine
// can show it as the program's failure.
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := programDir(info, req.GetPwd())
	opts, err := parseRuntimeOptions(info.GetOptions())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runModule := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runModule == "" {
		runModule = defaultRunModule
	}
	runScript, err := resolveModule(ctx, node, dir, runModule)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	cfg, err := configJSON(req.GetConfig())
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize configuration: " + err.Error()}, nil
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize configuration secret keys: " + err.Error()}, nil
	}

	env := append(os.Environ(), "PULUMI_CONFIG="+cfg, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	nodeArgs := append(append([]string{}, opts.nodeargs...), h.runArguments(req, runScript, dir)...)
	logging.V(5).Infof("launching %s %s", node, strings.Join(nodeArgs, " "))

	// Stop the program on the Cancel RPC, on our own shutdown, or when the engine abandons the call.
	// SIGINT first, so the Node SDK can tell the engine it is stopping, and a kill after a grace period.
	cmdCtx, cmdCancel := context.WithCancel(h.runCtx)
	defer cmdCancel()
	stopWatch := context.AfterFunc(ctx, cmdCancel)
	defer stopWatch()
	cmd := exec.CommandContext(cmdCtx, node, nodeArgs...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = env
	// Node may switch its stdio descriptors to non-blocking mode; if it shared ours, our own later
	// writes could fail with EAGAIN. Wrapping the writers makes exec copy through a pipe instead, and
	// Wait still returns only after everything has been copied. Output goes to our stdout/stderr,
	// which the engine already forwards to the user.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}

	err = cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Problem executing program (could not run language executor): %v", err),
		}, nil
	}
	switch code := exitErr.ExitCode(); code {
	case exitCodeErrorAlreadyReported:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case 0:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %v", exitErr)}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
	}
}

// runArguments builds cmd/run's command line. It must match what @pulumi/pulumi's cmd/run parses
// (see its usage text): flags first, then the program, then the program's own arguments.
// Upstream also passes --sync (a folder of pipes for synchronous invokes) and points --monitor at a
// forwarding proxy it runs; @pulumi/pulumi 3.248 no longer uses the pipes (nothing calls
// tryGetSyncInvokes), so we pass the engine's monitor address directly and leave --sync out.
func (h *nodeHost) runArguments(req *pulumirpc.RunRequest, runScript, dir string) []string {
	args := []string{runScript}
	add := func(flag, value string) {
		if value != "" {
			args = append(args, "--"+flag, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress())
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)

	// "." lets cmd/run pick the entry point from package.json (main/exports) or index.*.
	entry := req.GetInfo().GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram()
	}
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	return append(args, req.GetArgs()...)
}

// configJSON renders the stack configuration for cmd/run's PULUMI_CONFIG. Keys are written in the
// old "<namespace>:config:<name>" form, as upstream does: every @pulumi/pulumi version reads it,
// including old copies that a program may pull in through its dependencies.
func configJSON(cfg map[string]string) (string, error) {
	out := make(map[string]string, len(cfg))
	for k, v := range cfg {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", err
		}
		out[key.Namespace()+":config:"+key.Name()] = v
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// resolveModule finds a module the way `require` would from the program directory, so that the
// program runs with the @pulumi/pulumi it depends on, wherever the package manager put it (hoisted
// workspaces, symlinked node_modules, ...).
func resolveModule(ctx context.Context, node, dir, module string) (string, error) {
	const script = `try { process.stdout.write(require.resolve(process.argv[1])) } catch (e) {` +
		` process.stderr.write(e.code === "MODULE_NOT_FOUND" ?` +
		` "It looks like the Pulumi SDK has not been installed. Have you run pulumi install (or npm install)?" :` +
		` String(e.message)); process.exit(1) }`
	cmd := exec.CommandContext(ctx, node, "-e", script, module)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", errors.New(msg)
		}
		return "", fmt.Errorf("could not resolve %s from %s: %w", module, dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// InstallDependencies (used by `pulumi install` and `pulumi new`, not by preview/up) runs the
// project's package manager, chosen as upstream does: the `packagemanager` runtime option, else
// detected from the lock file, at the npm/yarn/pnpm workspace root if there is one. Output is
// streamed back to the CLI.
func (h *nodeHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()

	opts, err := parseRuntimeOptions(req.GetInfo().GetOptions())
	if err != nil {
		return err
	}
	root := programDir(req.GetInfo(), req.GetDirectory()) //nolint:staticcheck // fallback for old engines
	if ws, err := npm.FindWorkspaceRoot(root); err == nil {
		fmt.Fprintf(stdout, "Detected workspace root at %s\n", ws)
		root = ws
	} else if !errors.Is(err, npm.ErrNotInWorkspace) {
		return fmt.Errorf("failure while trying to find workspace root: %w", err)
	}

	fmt.Fprint(stdout, "Installing dependencies...\n\n")
	if _, err := npm.Install(server.Context(), opts.packagemanager, root, false, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprint(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

// RuntimeOptionsPrompts is asked by `pulumi new` for options to prompt for. We ask for none: the
// package manager is then detected from the lock file.
func (h *nodeHost) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// Template has nothing to adjust in a Node.js template.
func (h *nodeHost) Template(context.Context, *pulumirpc.TemplateRequest) (*pulumirpc.TemplateResponse, error) {
	return &pulumirpc.TemplateResponse{}, nil
}

// About feeds `pulumi about` and the runtime metadata recorded with updates. Failures to learn a
// version are not errors: the metadata is informational.
func (h *nodeHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	resp := &pulumirpc.AboutResponse{Metadata: map[string]string{}}
	if node, err := exec.LookPath("node"); err == nil {
		resp.Executable = node
		if out, err := exec.CommandContext(ctx, node, "--version").Output(); err == nil {
			resp.Version = strings.TrimSpace(string(out))
		}
	}
	if opts, err := parseRuntimeOptions(req.GetInfo().GetOptions()); err == nil {
		if pm, err := npm.ResolvePackageManager(opts.packagemanager, req.GetInfo().GetProgramDirectory()); err == nil {
			resp.Metadata["packagemanager"] = pm.Name()
			if v, err := pm.Version(); err == nil {
				resp.Metadata["packagemanagerVersion"] = v.String()
			}
		}
	}
	return resp, nil
}

// GetProgramDependencies lists the program's npm packages from its lock file (`pulumi about`).
func (h *nodeHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	opts, err := parseRuntimeOptions(req.GetInfo().GetOptions())
	if err != nil {
		return nil, err
	}
	dir := programDir(req.GetInfo(), req.GetPwd()) //nolint:staticcheck // fallback for old engines
	pm, err := npm.ResolvePackageManager(opts.packagemanager, dir)
	if err != nil {
		return nil, fmt.Errorf("failed to determine package manager: %w", err)
	}
	pkgs, err := pm.ListPackages(ctx, dir, req.GetTransitiveDependencies())
	if err != nil {
		return nil, fmt.Errorf("failed to get node dependencies: %w", err)
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(pkgs))
	for _, p := range pkgs {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// Cancel is sent by the engine when it shuts down (e.g. on Ctrl-C): interrupt any running program.
func (h *nodeHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelRuns()
	return &emptypb.Empty{}, nil
}

// RunPlugin would start Node.js plugins that have a PulumiPlugin.yaml (component providers, policy
// packs). We have none: the dynamic-provider plugin is an executable script run directly. Answering
// Unimplemented makes the engine report a clear error if one is ever needed.
func (h *nodeHost) RunPlugin(
	*pulumirpc.RunPluginRequest, pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	return status.Error(codes.Unimplemented, "this minimal pulumi-language-nodejs cannot run Node.js plugins")
}
