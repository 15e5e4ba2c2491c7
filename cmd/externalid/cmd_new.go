package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tenantrole/externalid/onboarding"
)

// tagsFlag collects repeated --tag key=value flags.
type tagsFlag map[string]string

func (t tagsFlag) String() string { return "" }

func (t tagsFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", s)
	}
	t[k] = v
	return nil
}

func runNew(ctx context.Context, a *app, args []string) error {
	var c common
	var tenant, kmsKeyID string
	tags := tagsFlag{}
	fs := a.newFlagSet("new", "--tenant ID [flags]", `
Generate a new random ExternalId for the tenant and store it in Secrets
Manager as the secret <secret-prefix><tenant>, tagged with the tenant.
Idempotent: an existing secret is kept, never overwritten, if the resolver
can read an ExternalId from it and it is not tagged with another tenant
(an untagged one is kept with a warning). Prints the secret's ARN and the
ExternalId's fingerprint, never the value.`)
	c.register(fs)
	fs.StringVar(&tenant, "tenant", "", "tenant id (required)")
	fs.StringVar(&kmsKeyID, "kms-key-id", "", "KMS key id, ARN or alias that encrypts the secret (default: aws/secretsmanager)")
	fs.Var(tags, "tag", "extra tag key=value for the secret (repeatable)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	cl, err := c.connectTenant(ctx, fs, tenant)
	if err != nil {
		return err
	}
	res, err := onboarding.StoreExternalID(ctx, cl.sm, tenant, func(o *onboarding.SecretOptions) {
		o.SecretID = c.secretID
		o.JSONKey = c.jsonKey
		o.KMSKeyID = kmsKeyID
		o.Tags = tags
	})
	if err != nil {
		return err
	}
	if res.Untagged {
		fmt.Fprintf(a.stderr, "externalid new: warning: the existing secret %s has no %s tag; check that it is tenant %s's, then tag it (aws secretsmanager tag-resource)\n",
			res.SecretID, onboarding.DefaultTenantTagKey, tenant)
	}
	if c.json {
		return printJSON(a.stdout, res)
	}
	if res.Created {
		fmt.Fprintf(a.stdout, "created secret %s (%s)\nExternalId %s\n", res.SecretID, res.ARN, res.Fingerprint)
	} else {
		fmt.Fprintf(a.stdout, "kept existing secret %s (%s); its ExternalId %s was not changed\n", res.SecretID, res.ARN, res.Fingerprint)
	}
	fmt.Fprintf(a.stdout, "next: externalid trust-policy --tenant %s --principal <SaaS principal ARN>\n", tenant)
	return nil
}
