package externalid_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
)

// TestResolverRefusesAnotherTenantsSecretThroughPartialARN uses the kit,
// which, like Secrets Manager, takes "externalid/acme-a1B2c3" for the secret
// "externalid/acme" whose ARN ends in -a1B2c3.
func TestResolverRefusesAnotherTenantsSecretThroughPartialARN(t *testing.T) {
	ctx := context.Background()
	srv := externalidtest.New(t)
	acme, err := srv.SeedCustomer("acme")
	if err != nil {
		t.Fatal(err)
	}
	suffix := acme.SecretARN[len(acme.SecretARN)-6:]
	attacker := "acme-" + suffix
	sm := srv.SecretsManager(srv.SaaS())

	// The kit answers the suffixed name with acme's secret, as AWS does...
	out, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(externalid.DefaultSecretID(attacker))})
	if err != nil || aws.ToString(out.Name) != acme.SecretName {
		t.Fatalf("GetSecretValue(%s) = %v, %v; want acme's secret through the partial ARN", attacker, out, err)
	}
	// ...and the resolver refuses it.
	id, err := externalid.NewSecretsManagerResolver(sm).ResolveExternalID(ctx, attacker)
	if !errors.Is(err, externalid.ErrExternalIDNotFound) {
		t.Fatalf("ResolveExternalID(%s) = %v, %v; want ErrExternalIDNotFound", attacker, id, err)
	}
}
