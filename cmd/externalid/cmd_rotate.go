package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tenantrole/externalid/onboarding"
)

const rotateUsage = `Usage: externalid rotate <step> --tenant ID [flags]

Rotate a tenant's ExternalId without downtime:

  rotate start    store a new ExternalId as the secret's AWSPENDING version
                  (idempotent: an existing pending value is kept)
  trust-policy    print the policy that accepts both values; the customer
                  attaches it (see "externalid trust-policy --help")
  rotate promote  --role-arn ARN: verify that the role accepts the pending
                  value, then make it AWSCURRENT (the old one becomes
                  AWSPREVIOUS); --force skips the check
  trust-policy    print the one-value policy; the customer attaches it
  rotate status   show the fingerprints of the current, pending and
                  previous values

Providers keep working at every step: a denied AWSCURRENT falls back to
AWSPENDING or AWSPREVIOUS once. Exit code 4 when promote is refused because the role does not accept
the pending value yet, 3 when the role does not enforce the ExternalId.
Run "externalid rotate <step> --help" for the flags.
`

func runRotate(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, rotateUsage)
		return fmt.Errorf("%w: rotate needs a step: start, promote or status", errUsage)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(a.stdout, rotateUsage)
		return nil
	case "start", "promote", "status":
	default:
		fmt.Fprint(a.stderr, rotateUsage)
		return fmt.Errorf("%w: unknown rotate step %q", errUsage, args[0])
	}
	step := args[0]
	var c common
	var tenant, roleARN string
	var force bool
	fs := a.newFlagSet("rotate "+step, "--tenant ID [flags]", rotateUsage)
	c.register(fs)
	fs.StringVar(&tenant, "tenant", "", "tenant id (required)")
	if step == "promote" {
		fs.StringVar(&roleARN, "role-arn", "", "the customer's role ARN (required)")
		fs.BoolVar(&force, "force", false, "promote without checking that the role accepts the pending value")
	}
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if err := requireTenant(fs, tenant); err != nil {
		return err
	}
	if step == "promote" {
		if err := requireRoleARN(fs, roleARN); err != nil {
			return err
		}
	}
	cl, err := c.connect(ctx)
	if err != nil {
		return err
	}
	rot, err := c.rotator(cl)
	if err != nil {
		return err
	}
	var res *onboarding.Rotation
	switch step {
	case "start":
		res, err = rot.Start(ctx, tenant)
	case "status":
		res, err = rot.Status(ctx, tenant)
	case "promote":
		res, err = rot.Promote(ctx, tenant, roleARN, func(o *onboarding.PromoteOptions) { o.Force = force })
	}
	if res != nil {
		if c.json {
			if perr := printJSON(a.stdout, res); perr != nil {
				return perr
			}
		} else {
			printRotation(a.stdout, step, res)
		}
	}
	return err
}

func printRotation(w io.Writer, step string, r *onboarding.Rotation) {
	if r.Report != nil && (step != "promote" || !r.Promoted) {
		fmt.Fprint(w, r.Report.String())
	}
	if r.Current.VersionID == "" {
		return // a refused promotion: the report says why
	}
	fmt.Fprintf(w, "secret %s of tenant %s\n", r.SecretID, r.TenantID)
	fmt.Fprintf(w, "  AWSCURRENT  %s (version %s)\n", r.Current.Fingerprint, r.Current.VersionID)
	if r.Pending != nil {
		fmt.Fprintf(w, "  AWSPENDING  %s (version %s)\n", r.Pending.Fingerprint, r.Pending.VersionID)
	}
	if r.Previous != nil {
		fmt.Fprintf(w, "  AWSPREVIOUS %s (version %s)\n", r.Previous.Fingerprint, r.Previous.VersionID)
	}
	switch {
	case step == "start" && r.Started:
		fmt.Fprintf(w, "stored a new pending ExternalId\nnext: give the customer the output of: externalid trust-policy --tenant %s\n", r.TenantID)
	case step == "start":
		fmt.Fprintf(w, "a rotation is already in progress; kept its pending ExternalId\nnext: give the customer the output of: externalid trust-policy --tenant %s\n", r.TenantID)
	case step == "promote":
		fmt.Fprintf(w, "promoted the pending ExternalId to AWSCURRENT\nnext: give the customer the one-value policy: externalid trust-policy --tenant %s\n", r.TenantID)
	}
}
