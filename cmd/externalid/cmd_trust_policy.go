package main

import (
	"context"
	"encoding/json"

	"github.com/tenantrole/externalid/onboarding"
)

func runTrustPolicy(ctx context.Context, a *app, args []string) error {
	var c common
	var tenant, principal string
	var reveal bool
	fs := a.newFlagSet("trust-policy", "--tenant ID [--principal ARN] [--reveal] [flags]", `
Print the trust policy the customer attaches to the role the SaaS assumes:
the principal may call sts:AssumeRole only with the tenant's ExternalId.
During a rotation (an AWSPENDING value exists) the policy accepts both the
current and the pending value.

The output holds the ExternalId value: send it to the customer only.

`+revealHelp)
	c.register(fs)
	fs.StringVar(&tenant, "tenant", "", "tenant id (required)")
	fs.StringVar(&principal, "principal", "", "SaaS principal ARN or account id (default: the caller, from GetCallerIdentity)")
	fs.BoolVar(&reveal, "reveal", false, "print the ExternalId values even when stdout is not a terminal")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	cl, err := c.connectTenant(ctx, fs, tenant)
	if err != nil {
		return err
	}
	principal, err = cl.principal(ctx, principal)
	if err != nil {
		return err
	}
	rot, err := c.rotator(cl)
	if err != nil {
		return err
	}
	redact := !a.reveal(reveal)
	policy, err := rot.TrustPolicy(ctx, tenant, principal, func(o *onboarding.TrustPolicyOptions) { o.Redact = redact })
	if err != nil {
		return err
	}
	if c.json {
		err = printJSON(a.stdout, struct {
			TenantID  string          `json:"tenantId"`
			Principal string          `json:"principal"`
			Policy    json.RawMessage `json:"policy"`
			Redacted  bool            `json:"redacted,omitempty"`
		}{tenant, principal, json.RawMessage(policy), redact})
	} else {
		_, err = a.stdout.Write([]byte(policy))
	}
	if err == nil && redact {
		a.noteRedacted("trust-policy")
	}
	return err
}
