// Command quickstart replays, with no AWS account, what happens when a SaaS
// assumes a role in a customer's account: the raw SDK call without an
// ExternalId is denied, and the externalid provider succeeds.
//
//	go run ./examples/quickstart
//
// By default it starts an in-process AWS (package externalidtest) and
// onboards a customer there. With -role-arn it runs against real AWS using
// the default AWS configuration (environment, profiles): it resolves the
// tenant's ExternalId from Secrets Manager and assumes the role. The raw
// call without an ExternalId is then made only with -show-denial.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/externalidtest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := run(ctx, os.Stdout, os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case err != nil:
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		cancel()
		os.Exit(1)
	}
}

// options are the command line, with defaults from the environment.
type options struct {
	roleARN      string // empty: use the embedded kit
	tenant       string
	secretPrefix string
	jsonKey      string
	region       string
	endpointURL  string // for emulators such as moto; real AWS leaves it empty
	showDenial   bool   // make the raw call without an ExternalId against AWS too
}

// generateExternalID makes the demo customer's ExternalId; tests replace it
// with a canary.
var generateExternalID = externalid.Generate

func parseOptions(w io.Writer, args []string) (options, error) {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(w)
	var o options
	fs.StringVar(&o.roleARN, "role-arn", os.Getenv("EXTERNALID_ROLE_ARN"), "customer role to assume in real AWS (env EXTERNALID_ROLE_ARN); empty runs the embedded demo")
	fs.StringVar(&o.tenant, "tenant", envOr("EXTERNALID_TENANT", "acme"), "tenant id (env EXTERNALID_TENANT)")
	fs.StringVar(&o.secretPrefix, "secret-prefix", envOr("EXTERNALID_SECRET_PREFIX", externalid.DefaultSecretPrefix), "the tenant's secret is this prefix + tenant id (env EXTERNALID_SECRET_PREFIX)")
	fs.StringVar(&o.jsonKey, "json-key", os.Getenv("EXTERNALID_JSON_KEY"), "read the ExternalId from this key of a JSON secret (env EXTERNALID_JSON_KEY)")
	fs.StringVar(&o.region, "region", os.Getenv("AWS_REGION"), "AWS region for -role-arn (env AWS_REGION; default from the AWS config)")
	fs.StringVar(&o.endpointURL, "endpoint-url", "", "send AWS calls to this endpoint (an emulator) instead of AWS")
	fs.BoolVar(&o.showDenial, "show-denial", false, "with -role-arn, also make the raw AssumeRole call without an ExternalId")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// run is the whole program; main only wires it to the process.
func run(ctx context.Context, w io.Writer, args []string) error {
	o, err := parseOptions(w, args)
	if err != nil {
		return err
	}
	if o.roleARN == "" {
		return runEmbedded(ctx, w, o)
	}
	return runAWS(ctx, w, o)
}

// runEmbedded onboards a customer in the in-process AWS and tells the story.
func runEmbedded(ctx context.Context, w io.Writer, o options) error {
	srv := externalidtest.NewServer()
	defer srv.Close()
	fmt.Fprintf(w, "In-process AWS (STS + Secrets Manager) at %s; no AWS account needed.\n\n", srv.URL())

	id, cust, err := onboard(srv, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Onboarded tenant %q:\n", o.tenant)
	fmt.Fprintf(w, "  role        %s (trust policy requires sts:ExternalId)\n", cust.Role.ARN)
	fmt.Fprintf(w, "  secret      %s in the SaaS account %s\n", cust.SecretName, srv.SaaSAccountID())
	fmt.Fprintf(w, "  ExternalId  fingerprint %s (the value is never printed)\n\n", id.Fingerprint())

	base := srv.Config(srv.SaaS())
	fmt.Fprintln(w, "1. Raw SDK AssumeRole, ExternalId forgotten:")
	if err := showDenial(ctx, w, sts.NewFromConfig(base), cust.Role.ARN, o.tenant); err != nil {
		return err
	}
	if ev, ok := srv.LastEvent("AssumeRole"); ok {
		fmt.Fprintln(w, "   The customer's CloudTrail records:")
		fmt.Fprintln(w, indent(trailExcerpt(ev), "   "))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "2. externalid.NewProvider, ExternalId resolved from Secrets Manager:")
	return showProvider(ctx, w, base, cust.Role.ARN, o)
}

// onboard generates the tenant's ExternalId and seeds the customer: the role
// that requires it and the secret that holds it.
func onboard(srv *externalidtest.Server, o options) (externalid.ExternalID, externalidtest.Customer, error) {
	id, err := generateExternalID()
	if err != nil {
		return externalid.ExternalID{}, externalidtest.Customer{}, err
	}
	cust, err := srv.SeedCustomer(o.tenant, func(c *externalidtest.CustomerOptions) {
		c.ExternalID = id.Value()
		c.SecretPrefix = o.secretPrefix
		c.JSONKey = o.jsonKey
	})
	return id, cust, err
}

// runAWS runs the provider against real AWS (or an emulator at
// -endpoint-url), with the default AWS configuration.
func runAWS(ctx context.Context, w io.Writer, o options) error {
	var loadOpts []func(*config.LoadOptions) error
	if o.region != "" {
		loadOpts = append(loadOpts, config.WithRegion(o.region))
	}
	if o.endpointURL != "" {
		loadOpts = append(loadOpts, config.WithBaseEndpoint(o.endpointURL))
	}
	base, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return fmt.Errorf("load AWS config: %w", err)
	}
	fmt.Fprintf(w, "Against AWS in %s: tenant %q, role %s.\n\n", base.Region, o.tenant, o.roleARN)
	if o.showDenial {
		fmt.Fprintln(w, "1. Raw SDK AssumeRole, ExternalId forgotten:")
		if err := showDenial(ctx, w, sts.NewFromConfig(base), o.roleARN, o.tenant); err != nil {
			return err
		}
		fmt.Fprintln(w, "   The customer's CloudTrail shows this call with requestParameters.externalId: null.")
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "2. externalid.NewProvider, ExternalId resolved from Secrets Manager:")
	return showProvider(ctx, w, base, o.roleARN, o)
}

// showDenial makes the call the library exists to prevent, and prints how
// STS answers it.
func showDenial(ctx context.Context, w io.Writer, client *sts.Client, roleARN, tenant string) error {
	_, err := client.AssumeRole(ctx, &sts.AssumeRoleInput{ //externalid:ignore the quickstart shows the raw SDK call on purpose
		RoleArn:         aws.String(roleARN),
		RoleSessionName: aws.String(externalid.DefaultRoleSessionName(tenant)),
	})
	if err == nil {
		fmt.Fprintln(w, "   WARNING: STS allowed it: the role's trust policy does not require an ExternalId.")
		return nil
	}
	fmt.Fprintf(w, "   %s\n", apiErrorText(err))
	return nil
}

// apiErrorText renders an AWS error as "Code: message", or the error itself.
func apiErrorText(err error) string {
	var ae interface {
		ErrorCode() string
		ErrorMessage() string
	}
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

// showProvider retrieves credentials the safe way and proves they work.
func showProvider(ctx context.Context, w io.Writer, base aws.Config, roleARN string, o options) error {
	resolver := externalid.NewSecretsManagerResolver(secretsmanager.NewFromConfig(base), func(s *externalid.SecretsManagerOptions) {
		s.SecretID = func(tenant string) string { return o.secretPrefix + tenant }
		s.JSONKey = o.jsonKey
	})
	provider, err := externalid.NewProvider(sts.NewFromConfig(base), roleARN, o.tenant, resolver)
	if err != nil {
		return err
	}
	creds, err := provider.Retrieve(ctx)
	if err != nil {
		return err
	}
	id, err := resolver.ResolveExternalID(ctx, o.tenant) // served from the resolver's cache
	if err != nil {
		return err
	}
	who, err := sts.NewFromConfig(provider.Config(base)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("GetCallerIdentity with the assumed role's credentials: %w", err)
	}
	fmt.Fprintf(w, "   AssumeRole succeeded with the ExternalId of fingerprint %s.\n", id.Fingerprint())
	fmt.Fprintf(w, "   GetCallerIdentity: %s\n", aws.ToString(who.Arn))
	fmt.Fprintf(w, "   Credentials expire at %s.\n", creds.Expires.UTC().Format(time.RFC3339))
	return nil
}

// trailExcerpt renders the CloudTrail fields that tell the story.
func trailExcerpt(ev externalidtest.Event) string {
	excerpt := struct {
		EventName         string         `json:"eventName"`
		UserIdentity      map[string]any `json:"userIdentity"`
		RequestParameters map[string]any `json:"requestParameters"`
		ErrorCode         string         `json:"errorCode"`
		RecipientAccount  string         `json:"recipientAccountId"`
	}{
		EventName:         ev.EventName,
		UserIdentity:      map[string]any{"arn": ev.UserIdentity.ARN},
		RequestParameters: ev.RequestParameters,
		ErrorCode:         ev.ErrorCode,
		RecipientAccount:  ev.RecipientAccountID,
	}
	b, err := json.MarshalIndent(excerpt, "", "  ")
	if err != nil {
		return ev.JSON()
	}
	return string(b)
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
