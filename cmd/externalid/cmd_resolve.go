package main

import (
	"context"
	"fmt"

	"github.com/tenantrole/externalid"
)

func runResolve(ctx context.Context, a *app, args []string) error {
	var c common
	var tenant, stage string
	var reveal bool
	fs := a.newFlagSet("resolve", "--tenant ID [--stage STAGE] [--reveal] [flags]", `
Read the tenant's ExternalId the way the library's resolver does and print
its fingerprint (sha256: and 12 hex digits), which an operator can compare
with the customer's configured value:

  printf '%s' "$EXTERNAL_ID" | sha256sum | cut -c1-12

The value itself is printed only with --reveal.`)
	c.register(fs)
	fs.StringVar(&tenant, "tenant", "", "tenant id (required)")
	fs.StringVar(&stage, "stage", externalid.StageCurrent, "staging label to read: AWSCURRENT, AWSPENDING or AWSPREVIOUS")
	fs.BoolVar(&reveal, "reveal", false, "also print the ExternalId value")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	cl, err := c.connectTenant(ctx, fs, tenant)
	if err != nil {
		return err
	}
	id, err := cl.resolver.ResolveExternalIDStage(ctx, tenant, stage)
	if err != nil {
		return err
	}
	out := struct {
		TenantID    string `json:"tenantId"`
		SecretID    string `json:"secretId"`
		Stage       string `json:"stage"`
		Fingerprint string `json:"fingerprint"`
		Value       string `json:"value,omitempty"`
	}{TenantID: tenant, SecretID: c.secretID(tenant), Stage: stage, Fingerprint: id.Fingerprint()}
	if reveal {
		out.Value = id.Value()
	}
	if c.json {
		return printJSON(a.stdout, out)
	}
	if reveal {
		_, err = fmt.Fprintf(a.stdout, "%s\t%s\n", out.Fingerprint, out.Value)
	} else {
		_, err = fmt.Fprintln(a.stdout, out.Fingerprint)
	}
	return err
}
