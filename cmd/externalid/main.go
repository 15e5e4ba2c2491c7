// Command externalid onboards tenants of a SaaS that assumes roles in its
// customers' AWS accounts: it stores each tenant's ExternalId, prints the
// trust policy or CloudFormation template the customer attaches, verifies
// that the customer's role really requires the ExternalId, and rotates it.
//
// Usage:
//
//	externalid <command> [flags]
//
// Commands: new, trust-policy, cfn, verify, rotate, resolve, demo. Run
// "externalid <command> --help" for each command's flags, and see
// docs/onboarding.md for the onboarding flow.
//
// trust-policy and cfn --template-url print the tenant's ExternalId (for the
// customer) only when stdout is a terminal or with --reveal; redirected or
// piped, they print a placeholder with the value's fingerprint instead.
//
// Exit codes: 0 success; 1 failure; 2 usage error; 3 the role does not
// enforce the ExternalId; 4 the role does not accept the tenant's (or the
// pending) ExternalId.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
