package onboarding_test

import (
	"strings"
	"testing"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
	"github.com/tenantrole/externalid/onboarding"
)

// kit is a customer seeded in an externalidtest server, with the SaaS's
// clients and a Verifier.
type kit struct {
	srv      *externalidtest.Server
	cust     externalidtest.Customer
	resolver *externalid.SecretsManagerResolver
	verifier *onboarding.Verifier
}

// newKit seeds tenant "acme" whose role trusts the SaaS with trust (a
// policy document; "" for the default that requires the ExternalId).
func newKit(t *testing.T, trust string) *kit {
	t.Helper()
	srv := externalidtest.New(t)
	cust, err := srv.SeedCustomer("acme", func(o *externalidtest.CustomerOptions) {
		o.TrustPolicy = trust
	})
	if err != nil {
		t.Fatal(err)
	}
	r := externalid.NewSecretsManagerResolver(srv.SecretsManager(srv.SaaS()))
	v, err := onboarding.NewVerifier(srv.STS(srv.SaaS()), r)
	if err != nil {
		t.Fatal(err)
	}
	return &kit{srv: srv, cust: cust, resolver: r, verifier: v}
}

// noValue fails the test if s holds any of the values.
func noValue(t *testing.T, what, s string, values ...string) {
	t.Helper()
	for _, v := range values {
		if v != "" && strings.Contains(s, v) {
			t.Errorf("%s holds an ExternalId value:\n%s", what, s)
		}
	}
}
