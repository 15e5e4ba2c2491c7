package onboarding_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/onboarding"
)

// TestConstructorsRefuseTypedNils checks that a nil *sts.Client or
// *secretsmanager.Client, which passes a plain nil check, is refused with
// an error instead of panicking on first use.
func TestConstructorsRefuseTypedNils(t *testing.T) {
	var stsClient *sts.Client
	var smClient *secretsmanager.Client
	resolver := externalid.ResolverFunc(func(context.Context, string) (externalid.ExternalID, error) {
		return externalid.Generate()
	})
	if _, err := onboarding.NewVerifier(stsClient, resolver); !errors.Is(err, onboarding.ErrInvalidArgument) {
		t.Errorf("NewVerifier(nil *sts.Client) error = %v; want ErrInvalidArgument", err)
	}
	var nilVerifier *onboarding.Verifier
	if _, err := onboarding.NewRotator(smClient, nilVerifier); !errors.Is(err, onboarding.ErrInvalidArgument) {
		t.Errorf("NewRotator(nil clients) error = %v; want ErrInvalidArgument", err)
	}
	if _, err := onboarding.StoreExternalID(context.Background(), smClient, "acme"); !errors.Is(err, onboarding.ErrInvalidArgument) {
		t.Errorf("StoreExternalID(nil *secretsmanager.Client) error = %v; want ErrInvalidArgument", err)
	}
}
