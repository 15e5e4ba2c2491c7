package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
	"github.com/tenantrole/externalid/onboarding"
)

// Accounts of the demo's customers.
const (
	demoCarefulAccount  = "444455556666"
	demoCarelessAccount = "777788889999"
)

// demoSummary is the demo's --json output.
type demoSummary struct {
	Enforced    *onboarding.Report   `json:"enforced"`
	NotEnforced *onboarding.Report   `json:"notEnforced"`
	Rotation    *onboarding.Rotation `json:"rotation"`
	Retrieves   int                  `json:"retrieves"`
	Failed      int                  `json:"failed"`
}

func runDemo(ctx context.Context, a *app, args []string) error {
	var asJSON bool
	fs := a.newFlagSet("demo", "[--json]", `
Run the onboarding story against an embedded AWS emulator that enforces
trust policies (package externalidtest); no AWS account or credentials are
needed. It onboards a customer (secret, trust policy, verify), flags a
customer whose role does not require the ExternalId, and rotates the first
customer's ExternalId while a provider keeps retrieving credentials.
Prints fingerprints, never ExternalId values.`)
	fs.BoolVar(&asJSON, "json", false, "print a JSON summary instead of the story")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	w := a.stdout
	if asJSON {
		w = io.Discard
	}
	srv := externalidtest.NewServer()
	defer srv.Close()
	sum, err := demo(ctx, srv, w)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(a.stdout, sum)
	}
	return nil
}

func demo(ctx context.Context, srv *externalidtest.Server, w io.Writer) (*demoSummary, error) {
	saas := srv.SaaS()
	sm, stsClient := srv.SecretsManager(saas), srv.STS(saas)
	resolver := externalid.NewSecretsManagerResolver(sm)
	verifier, err := onboarding.NewVerifier(stsClient, resolver)
	if err != nil {
		return nil, err
	}
	sum := &demoSummary{}
	fmt.Fprintf(w, "An emulated AWS is running at %s. The SaaS is %s.\n\n", srv.URL(), saas.ARN)

	// 1. Generate and store.
	fmt.Fprintln(w, "1. Onboard tenant acme: generate its ExternalId and store it in Secrets Manager.")
	stored, err := onboarding.StoreExternalID(ctx, sm, "acme")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   created secret %s, ExternalId %s\n", stored.SecretID, stored.Fingerprint)
	again, err := onboarding.StoreExternalID(ctx, sm, "acme")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   onboarding again keeps it (created: %v)\n\n", again.Created)

	// 2. Hand over the trust policy; the customer creates the role.
	fmt.Fprintln(w, "2. The customer attaches the trust policy to a role in their account.")
	id, err := resolver.ResolveExternalID(ctx, "acme")
	if err != nil {
		return nil, err
	}
	policy, err := onboarding.TrustPolicy(saas.ARN, id)
	if err != nil {
		return nil, err
	}
	role, err := srv.CreateRole(demoCarefulAccount, onboarding.DefaultRoleName, policy)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "   role %s requires sts:ExternalId %s\n\n", role.ARN, id.Fingerprint())

	// 3. Verify.
	fmt.Fprintln(w, "3. Verify that the role requires the ExternalId.")
	sum.Enforced, err = verifier.Verify(ctx, "acme", role.ARN)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(w, indent(sum.Enforced.String()))
	fmt.Fprintln(w, "   OK: the role requires the tenant's ExternalId")
	fmt.Fprintln(w)

	// 4. A role that does not enforce it.
	fmt.Fprintln(w, "4. Tenant globex's customer trusts the SaaS without the ExternalId condition.")
	if _, err := onboarding.StoreExternalID(ctx, sm, "globex"); err != nil {
		return nil, err
	}
	careless, err := srv.CreateRole(demoCarelessAccount, onboarding.DefaultRoleName, externalidtest.TrustPolicy(saas.ARN))
	if err != nil {
		return nil, err
	}
	report, err := verifier.Verify(ctx, "globex", careless.ARN)
	if !errors.Is(err, onboarding.ErrTrustNotEnforced) {
		return nil, fmt.Errorf("demo: verify of a role without the condition = %v; want ErrTrustNotEnforced", err)
	}
	sum.NotEnforced = report
	fmt.Fprint(w, indent(report.String()))
	fmt.Fprintln(w, "   FLAGGED: the role does not enforce the ExternalId (exit code 3 in \"externalid verify\")")
	fmt.Fprintln(w)

	// 5. Rotate while a provider keeps working.
	fmt.Fprintln(w, "5. Rotate acme's ExternalId while a provider keeps retrieving credentials.")
	if err := demoRotation(ctx, srv, role, sum, w); err != nil {
		return nil, err
	}
	return sum, nil
}

func demoRotation(ctx context.Context, srv *externalidtest.Server, role externalidtest.Role, sum *demoSummary, w io.Writer) error {
	saas := srv.SaaS()
	sm := srv.SecretsManager(saas)
	resolver := externalid.NewSecretsManagerResolver(sm, func(o *externalid.SecretsManagerOptions) { o.TTL = time.Millisecond })
	verifier, err := onboarding.NewVerifier(srv.STS(saas), resolver)
	if err != nil {
		return err
	}
	rot, err := onboarding.NewRotator(sm, verifier)
	if err != nil {
		return err
	}
	provider, err := externalid.NewProvider(srv.STS(saas), role.ARN, "acme", resolver)
	if err != nil {
		return err
	}

	loopCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for loopCtx.Err() == nil {
			_, err := provider.Retrieve(ctx)
			mu.Lock()
			sum.Retrieves++
			if err != nil {
				sum.Failed++
			}
			mu.Unlock()
		}
	}()
	pause := func() { time.Sleep(20 * time.Millisecond) }
	customer := func(step string) error {
		p, err := rot.TrustPolicy(ctx, "acme", saas.ARN)
		if err != nil {
			return err
		}
		if err := srv.UpdateAssumeRolePolicy(role.ARN, p); err != nil {
			return err
		}
		fmt.Fprintf(w, "   the customer attaches the %s trust policy\n", step)
		pause()
		return nil
	}

	err = func() error {
		pause()
		started, err := rot.Start(ctx, "acme")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   start:   AWSCURRENT %s, AWSPENDING %s\n", started.Current.Fingerprint, started.Pending.Fingerprint)
		pause()
		if _, err := rot.Promote(ctx, "acme", role.ARN); errors.Is(err, onboarding.ErrPendingNotAccepted) {
			fmt.Fprintln(w, "   promote: refused, the role does not accept the pending value yet")
		} else {
			return fmt.Errorf("demo: early promote = %v; want ErrPendingNotAccepted", err)
		}
		if err := customer("two-value"); err != nil {
			return err
		}
		promoted, err := rot.Promote(ctx, "acme", role.ARN)
		if err != nil {
			return err
		}
		sum.Rotation = promoted
		fmt.Fprintf(w, "   promote: AWSCURRENT %s, AWSPREVIOUS %s\n", promoted.Current.Fingerprint, promoted.Previous.Fingerprint)
		pause()
		return customer("one-value")
	}()
	stop()
	wg.Wait()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %d credential retrievals during the rotation, %d failed\n", sum.Retrieves, sum.Failed)
	if sum.Failed > 0 {
		return fmt.Errorf("demo: %d of %d retrievals failed during the rotation", sum.Failed, sum.Retrieves)
	}
	return nil
}

// indent indents every line of s by three spaces.
func indent(s string) string {
	out := make([]byte, 0, len(s)+64)
	start := true
	for i := 0; i < len(s); i++ {
		if start {
			out = append(out, "   "...)
		}
		out = append(out, s[i])
		start = s[i] == '\n'
	}
	return string(out)
}
