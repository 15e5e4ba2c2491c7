package main

import (
	"context"
	"fmt"
)

func runVerify(ctx context.Context, a *app, args []string) error {
	var c common
	var tenant, roleARN string
	fs := a.newFlagSet("verify", "--tenant ID --role-arn ARN [flags]", `
Check that the customer's role really requires the tenant's ExternalId:
  1. AssumeRole with the tenant's ExternalId must succeed, and
     GetCallerIdentity must show the role's account;
  2. AssumeRole without an ExternalId must be denied;
  3. AssumeRole with a random wrong ExternalId must be denied.
Also reports which staged values (AWSCURRENT, AWSPENDING, AWSPREVIOUS) the
role accepts. Prints fingerprints, never values.

Exit code 0 when all probes pass, 3 when probe 2 or 3 was allowed (the
trust policy does not enforce the ExternalId; the output shows the remedy),
4 when probe 1 failed, 1 when the probes could not run.`)
	c.register(fs)
	fs.StringVar(&tenant, "tenant", "", "tenant id (required)")
	fs.StringVar(&roleARN, "role-arn", "", "the customer's role ARN (required)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if err := requireTenant(fs, tenant); err != nil {
		return err
	}
	if err := requireRoleARN(fs, roleARN); err != nil {
		return err
	}
	cl, err := c.connect(ctx)
	if err != nil {
		return err
	}
	v, err := c.verifier(cl)
	if err != nil {
		return err
	}
	report, verr := v.Verify(ctx, tenant, roleARN)
	if report != nil {
		if c.json {
			if err := printJSON(a.stdout, report); err != nil {
				return err
			}
		} else {
			fmt.Fprint(a.stdout, report.String())
			if verr == nil {
				fmt.Fprintln(a.stdout, "OK: the role requires the tenant's ExternalId")
			}
		}
	}
	return verr
}
