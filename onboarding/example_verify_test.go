package onboarding_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
	"github.com/tenantrole/externalid/onboarding"
)

// Verify flags a role whose trust policy does not require the ExternalId.
// The example runs against the embedded emulator; with real AWS, pass
// sts.NewFromConfig(cfg) and a resolver over secretsmanager.NewFromConfig(cfg).
func ExampleVerifier_Verify() {
	srv := externalidtest.NewServer()
	defer srv.Close()
	// A customer whose role trusts the SaaS with no ExternalId condition.
	cust, _ := srv.SeedCustomer("globex", func(o *externalidtest.CustomerOptions) {
		o.TrustPolicy = externalidtest.TrustPolicy(srv.SaaS().ARN)
	})

	resolver := externalid.NewSecretsManagerResolver(srv.SecretsManager(srv.SaaS()))
	v, _ := onboarding.NewVerifier(srv.STS(srv.SaaS()), resolver)
	report, err := v.Verify(context.Background(), "globex", cust.Role.ARN)
	for _, p := range report.Probes {
		fmt.Printf("%-20s want %-7s got %s\n", p.Name, p.Want, p.Got)
	}
	fmt.Println("trust not enforced:", errors.Is(err, onboarding.ErrTrustNotEnforced))
	// Output:
	// with-external-id     want allowed got allowed
	// without-external-id  want denied  got allowed
	// wrong-external-id    want denied  got allowed
	// trust not enforced: true
}
