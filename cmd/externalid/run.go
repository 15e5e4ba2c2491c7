package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tenantrole/externalid/onboarding"
)

// Exit codes.
const (
	exitOK          = 0 // success
	exitFailure     = 1 // any other failure: AWS, network, missing secret
	exitUsage       = 2 // bad command line
	exitNotEnforced = 3 // the role does not enforce the ExternalId
	exitNotAccepted = 4 // the role does not accept the tenant's (or the pending) ExternalId
)

// errUsage marks command-line errors.
var errUsage = errors.New("usage")

// app is one invocation: where output goes. It is used by one goroutine.
type app struct {
	stdout, stderr io.Writer
	// isTerminal reports whether w is an interactive terminal. Commands
	// that print an ExternalId for the customer print it only to a
	// terminal, or with --reveal. Tests replace it.
	isTerminal func(w io.Writer) bool
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, a *app, args []string) error
}

var commands = map[string]command{
	"new":          {"generate a tenant's ExternalId and store it in Secrets Manager (idempotent)", runNew},
	"trust-policy": {"print the trust policy the customer attaches to the role", runTrustPolicy},
	"cfn":          {"print the CloudFormation template, or a quick-create link for a tenant", runCFN},
	"verify":       {"check that a role requires the tenant's ExternalId (three probes)", runVerify},
	"rotate":       {"rotate a tenant's ExternalId: start, status, promote", runRotate},
	"resolve":      {"print the fingerprint of a tenant's ExternalId (the value only with --reveal)", runResolve},
	"demo":         {"run the onboarding story against an embedded AWS emulator", runDemo},
}

// run is the whole program: it parses args, runs the command and returns
// the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr, isTerminal: isTerminal}
	return a.run(ctx, args)
}

// run runs one command line and returns the exit code.
func (a *app) run(ctx context.Context, args []string) int {
	stdout, stderr := a.stdout, a.stderr
	if len(args) == 0 {
		a.usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		a.usage(stdout)
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "externalid: unknown command %q\n\n", args[0])
		a.usage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, a, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "externalid %s: %v\n", args[0], err)
	}
	return exitCode(err)
}

func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage):
		return exitUsage
	case errors.Is(err, onboarding.ErrTrustNotEnforced):
		return exitNotEnforced
	case errors.Is(err, onboarding.ErrRoleNotAssumable), errors.Is(err, onboarding.ErrPendingNotAccepted):
		return exitNotAccepted
	default:
		return exitFailure
	}
}

func (a *app) usage(w io.Writer) {
	fmt.Fprint(w, `Usage: externalid <command> [flags]

Onboard the tenants of a SaaS that assumes IAM roles in its customers' AWS
accounts with a per-tenant sts:ExternalId kept in AWS Secrets Manager.

Commands:
`)
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-13s %s\n", name, commands[name].summary)
	}
	fmt.Fprint(w, `
Run "externalid <command> --help" for a command's flags.
AWS credentials and region come from the usual places (environment, shared
config, --profile); --endpoint-url points the clients at an emulator.

Exit codes: 0 success, 1 failure, 2 usage error, 3 the role does not enforce
the ExternalId, 4 the role does not accept the tenant's (or the pending)
ExternalId.
`)
}

// newFlagSet returns a flag set for a command whose usage names it.
func (a *app) newFlagSet(name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: externalid %s %s\n\n%s\n\nFlags:\n", name, synopsis, strings.TrimSpace(description))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, printing help to stdout for --help and turning other
// failures into usage errors.
func (a *app) parse(fs *flag.FlagSet, args []string) error {
	for _, arg := range args {
		if arg == "-h" || arg == "-help" || arg == "--help" {
			fs.SetOutput(a.stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return usageError(fs, "unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// usageError reports a command-line error and prints the command's usage.
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fs.Usage()
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}
