package main

import (
	"context"
	"testing"

	"github.com/aws/aws-secretsmanager-caching-go/v2/secretcache"

	"github.com/tenantrole/externalid"
)

// benchResolverWarm measures SecretsManagerResolver's warm lookup.
func benchResolverWarm(b *testing.B) {
	r := externalid.NewSecretsManagerResolver(&fakeSecrets{})
	ctx := context.Background()
	if _, err := r.ResolveExternalID(ctx, "acme"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.ResolveExternalID(ctx, "acme"); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSecretCacheWarm measures aws-secretsmanager-caching-go's warm
// GetSecretString on the same fake client.
func benchSecretCacheWarm(b *testing.B) {
	c, err := secretcache.New(func(c *secretcache.Cache) { c.Client = &fakeSecrets{} })
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.GetSecretString("externalid/acme"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetSecretString("externalid/acme"); err != nil {
			b.Fatal(err)
		}
	}
}
