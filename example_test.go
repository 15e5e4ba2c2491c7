package externalid_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tenantrole/externalid"
)

func ExampleNew() {
	id, err := externalid.New("customer-7f3a9c")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(id) // every rendering is redacted
	fmt.Printf("%q\n", id)
	fmt.Println(id.Fingerprint())

	_, err = externalid.New("has spaces")
	fmt.Println(errors.Is(err, externalid.ErrInvalidExternalID))
	// Output:
	// ExternalID(redacted sha256:0be9516d3f04)
	// "ExternalID(redacted sha256:0be9516d3f04)"
	// sha256:0be9516d3f04
	// true
}

func ExampleNewProvider() {
	// In production: sts.NewFromConfig(cfg) and secretsmanager.NewFromConfig(cfg).
	stsClient := &fakeSTS{}
	secrets := newFakeSecrets(map[string]string{"externalid/acme": "customer-7f3a9c"})

	resolver := externalid.NewSecretsManagerResolver(secrets)
	provider, err := externalid.NewProvider(stsClient,
		"arn:aws:iam::111122223333:role/SaaSAccess", "acme", resolver)
	if err != nil {
		fmt.Println(err)
		return
	}
	creds, err := provider.Retrieve(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(creds.AccountID, creds.Source)
	fmt.Println(*stsClient.calls()[0].RoleSessionName)
	// Output:
	// 111122223333 ExternalIDAssumeRoleProvider
	// externalid-acme
}

func ExampleResolverFunc() {
	// A resolver backed by the SaaS's own tenant database.
	byTenant := map[string]string{"acme": "customer-7f3a9c"}
	resolver := externalid.ResolverFunc(func(_ context.Context, tenantID string) (externalid.ExternalID, error) {
		v, ok := byTenant[tenantID]
		if !ok {
			return externalid.ExternalID{}, fmt.Errorf("tenant %q: %w", tenantID, externalid.ErrExternalIDNotFound)
		}
		return externalid.New(v)
	})
	id, _ := resolver.ResolveExternalID(context.Background(), "acme")
	fmt.Println(id.Fingerprint())
	_, err := resolver.ResolveExternalID(context.Background(), "globex")
	fmt.Println(errors.Is(err, externalid.ErrExternalIDNotFound))
	// Output:
	// sha256:0be9516d3f04
	// true
}
