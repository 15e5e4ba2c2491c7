package main

import (
	"context"
	"encoding/json"
)

func runTrustPolicy(ctx context.Context, a *app, args []string) error {
	var c common
	var tenant, principal string
	fs := a.newFlagSet("trust-policy", "--tenant ID [--principal ARN] [flags]", `
Print the trust policy the customer attaches to the role the SaaS assumes:
the principal may call sts:AssumeRole only with the tenant's ExternalId.
During a rotation (an AWSPENDING value exists) the policy accepts both the
current and the pending value.

The output holds the ExternalId value: send it to the customer only.`)
	c.register(fs)
	fs.StringVar(&tenant, "tenant", "", "tenant id (required)")
	fs.StringVar(&principal, "principal", "", "SaaS principal ARN or account id (default: the caller, from GetCallerIdentity)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if err := requireTenant(fs, tenant); err != nil {
		return err
	}
	cl, err := c.connect(ctx)
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
	policy, err := rot.TrustPolicy(ctx, tenant, principal)
	if err != nil {
		return err
	}
	if c.json {
		return printJSON(a.stdout, struct {
			TenantID  string          `json:"tenantId"`
			Principal string          `json:"principal"`
			Policy    json.RawMessage `json:"policy"`
		}{tenant, principal, json.RawMessage(policy)})
	}
	_, err = a.stdout.Write([]byte(policy))
	return err
}
