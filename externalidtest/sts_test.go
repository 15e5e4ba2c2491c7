package externalidtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/tenantrole/externalid/externalidtest"
)

func seed(t *testing.T, srv *externalidtest.Server, tenant string, optFns ...func(*externalidtest.CustomerOptions)) externalidtest.Customer {
	t.Helper()
	c, err := srv.SeedCustomer(tenant, optFns...)
	if err != nil {
		t.Fatalf("SeedCustomer(%q) = %v", tenant, err)
	}
	return c
}

func apiError(t *testing.T, err error) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not a smithy.APIError", err)
	}
	return ae
}

func TestAssumeRoleWithoutExternalIDIsDenied(t *testing.T) {
	srv := externalidtest.New(t)
	c := seed(t, srv, "acme")
	client := srv.STS(srv.SaaS())

	_, err := client.AssumeRole(context.Background(), &sts.AssumeRoleInput{ //externalid:ignore the kit must prove the denial
		RoleArn:         aws.String(c.Role.ARN),
		RoleSessionName: aws.String("acme"),
	})
	ae := apiError(t, err)
	if ae.ErrorCode() != "AccessDenied" {
		t.Errorf("ErrorCode() = %q; want AccessDenied", ae.ErrorCode())
	}
	want := "User: " + srv.SaaS().ARN + " is not authorized to perform: sts:AssumeRole on resource: " + c.Role.ARN
	if ae.ErrorMessage() != want {
		t.Errorf("ErrorMessage() = %q; want %q", ae.ErrorMessage(), want)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.ServiceRequestID() == "" {
		t.Fatalf("error %v carries no request id", err)
	}
	if re.HTTPStatusCode() != 403 {
		t.Errorf("HTTPStatusCode() = %d; want 403", re.HTTPStatusCode())
	}
	ev, ok := srv.LastEvent("AssumeRole")
	if !ok {
		t.Fatal("LastEvent(AssumeRole) found nothing")
	}
	if ev.RequestID != re.ServiceRequestID() {
		t.Errorf("event RequestID = %q; want %q", ev.RequestID, re.ServiceRequestID())
	}
	if v, ok := ev.RequestParameters["externalId"]; !ok || v != nil {
		t.Errorf("requestParameters.externalId = %v, present %v; want nil, present", v, ok)
	}
	if !strings.Contains(ev.JSON(), `"externalId": null`) {
		t.Errorf("JSON() lacks \"externalId\": null:\n%s", ev.JSON())
	}
	if ev.ErrorCode != "AccessDenied" || ev.ErrorMessage != want {
		t.Errorf("event error = %q %q; want AccessDenied %q", ev.ErrorCode, ev.ErrorMessage, want)
	}
	if ev.RecipientAccountID != c.AccountID {
		t.Errorf("RecipientAccountID = %q; want the customer's %q", ev.RecipientAccountID, c.AccountID)
	}
	if ev.UserIdentity.ARN != srv.SaaS().ARN {
		t.Errorf("UserIdentity.ARN = %q; want %q", ev.UserIdentity.ARN, srv.SaaS().ARN)
	}
}

func TestAssumeRoleWithExternalIDIssuesWorkingCredentials(t *testing.T) {
	srv := externalidtest.New(t)
	c := seed(t, srv, "acme")
	ctx := context.Background()
	out, err := srv.STS(srv.SaaS()).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(c.Role.ARN),
		RoleSessionName: aws.String("tenant-acme"),
		ExternalId:      aws.String(c.ExternalID),
	})
	if err != nil {
		t.Fatalf("AssumeRole() = %v", err)
	}
	wantARN := "arn:aws:sts::" + c.AccountID + ":assumed-role/" + c.Role.Name + "/tenant-acme"
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantARN {
		t.Errorf("AssumedRoleUser.Arn = %q; want %q", got, wantARN)
	}
	creds := out.Credentials
	if !strings.HasPrefix(aws.ToString(creds.AccessKeyId), "ASIA") || creds.Expiration == nil {
		t.Fatalf("Credentials = %+v; want an ASIA key with an expiry", creds)
	}
	session := externalidtest.Principal{
		AccessKeyID:     aws.ToString(creds.AccessKeyId),
		SecretAccessKey: aws.ToString(creds.SecretAccessKey),
		SessionToken:    aws.ToString(creds.SessionToken),
	}
	id, err := srv.STS(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity() = %v", err)
	}
	if aws.ToString(id.Arn) != wantARN || aws.ToString(id.Account) != c.AccountID {
		t.Errorf("GetCallerIdentity() = %s in %s; want %s in %s", aws.ToString(id.Arn), aws.ToString(id.Account), wantARN, c.AccountID)
	}
	if !strings.HasPrefix(aws.ToString(id.UserId), c.Role.RoleID+":") {
		t.Errorf("UserId = %q; want %s:tenant-acme", aws.ToString(id.UserId), c.Role.RoleID)
	}
}

func TestAssumeRoleDecisions(t *testing.T) {
	srv := externalidtest.New(t)
	other, err := srv.CreateUser("999988887777", "intruder")
	if err != nil {
		t.Fatal(err)
	}
	root, err := srv.AccountRoot(srv.SaaSAccountID())
	if err != nil {
		t.Fatal(err)
	}
	sameAccountUser, err := srv.CreateUser(srv.SaaSAccountID(), "batch-worker")
	if err != nil {
		t.Fatal(err)
	}
	c := seed(t, srv, "acme", func(o *externalidtest.CustomerOptions) { o.ExternalID = "acme-external-id" })
	accountWide := seed(t, srv, "globex", func(o *externalidtest.CustomerOptions) {
		o.ExternalID = "globex-external-id"
		o.TrustedPrincipal = srv.SaaSAccountID()
	})
	notEnforced := seed(t, srv, "initech", func(o *externalidtest.CustomerOptions) {
		o.TrustPolicy = externalidtest.TrustPolicy(srv.SaaS().ARN)
	})
	rotating := seed(t, srv, "hooli", func(o *externalidtest.CustomerOptions) {
		o.TrustPolicy = externalidtest.TrustPolicy(srv.SaaS().ARN, "old-value", "new-value")
	})
	tests := []struct {
		name       string
		caller     externalidtest.Principal
		roleARN    string
		externalID *string
		wantCode   string // "" for success
		wantMsg    string
	}{
		{"right id", srv.SaaS(), c.Role.ARN, aws.String("acme-external-id"), "", ""},
		{"no id", srv.SaaS(), c.Role.ARN, nil, "AccessDenied", "User: " + srv.SaaS().ARN + " is not authorized to perform: sts:AssumeRole on resource: " + c.Role.ARN},
		{"wrong id", srv.SaaS(), c.Role.ARN, aws.String("globex-external-id"), "AccessDenied", ""},
		{"other tenant's role", srv.SaaS(), accountWide.Role.ARN, aws.String("acme-external-id"), "AccessDenied", ""},
		{"other account caller", other, c.Role.ARN, aws.String("acme-external-id"), "AccessDenied", "User: arn:aws:iam::999988887777:user/intruder is not authorized"},
		{"same-account user not named", sameAccountUser, c.Role.ARN, aws.String("acme-external-id"), "AccessDenied", ""},
		{"account-wide trust", sameAccountUser, accountWide.Role.ARN, aws.String("globex-external-id"), "", ""},
		{"root may not assume", root, accountWide.Role.ARN, aws.String("globex-external-id"), "AccessDenied", "Roles may not be assumed by root accounts."},
		{"missing role", srv.SaaS(), "arn:aws:iam::444455559999:role/Nope", aws.String("acme-external-id"), "AccessDenied", "on resource: arn:aws:iam::444455559999:role/Nope"},
		{"not enforced, no id", srv.SaaS(), notEnforced.Role.ARN, nil, "", ""},
		{"not enforced, any id", srv.SaaS(), notEnforced.Role.ARN, aws.String("whatever"), "", ""},
		{"rotation old", srv.SaaS(), rotating.Role.ARN, aws.String("old-value"), "", ""},
		{"rotation new", srv.SaaS(), rotating.Role.ARN, aws.String("new-value"), "", ""},
		{"rotation neither", srv.SaaS(), rotating.Role.ARN, aws.String("older-value"), "AccessDenied", ""},
		{"malformed role ARN", srv.SaaS(), "arn:aws:s3:::bucket-name-here", aws.String("acme-external-id"), "ValidationError", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := srv.STS(tt.caller).AssumeRole(context.Background(), &sts.AssumeRoleInput{ //externalid:ignore table includes omitted ExternalIds
				RoleArn:         aws.String(tt.roleARN),
				RoleSessionName: aws.String("decision-test"),
				ExternalId:      tt.externalID,
			})
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("AssumeRole() = %v; want success", err)
				}
				return
			}
			ae := apiError(t, err)
			if ae.ErrorCode() != tt.wantCode || !strings.Contains(ae.ErrorMessage(), tt.wantMsg) {
				t.Errorf("AssumeRole() = %s: %s; want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), tt.wantCode, tt.wantMsg)
			}
			if tt.externalID != nil && strings.Contains(err.Error(), *tt.externalID) {
				t.Errorf("error %q echoes the ExternalId", err)
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	srv := externalidtest.New(t)
	c := seed(t, srv, "acme")
	_, err := srv.STS(srv.SaaS()).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:         aws.String(c.Role.ARN),
		RoleSessionName: aws.String("bad name"),
		ExternalId:      aws.String("secret value"),
		DurationSeconds: aws.Int32(60),
	})
	ae := apiError(t, err)
	msg := ae.ErrorMessage()
	for _, want := range []string{
		"3 validation errors detected: ",
		"Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
		"at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:/-]*",
		"Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("ErrorMessage() = %q; want it to contain %q", msg, want)
		}
	}
	if strings.Contains(msg, "secret value") {
		t.Errorf("ErrorMessage() = %q echoes the ExternalId", msg)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Errorf("status = %v; want 400", err)
	}
}

func TestSessionLimits(t *testing.T) {
	srv := externalidtest.New(t)
	c := seed(t, srv, "acme", func(o *externalidtest.CustomerOptions) { o.MaxSessionDuration = 2 * time.Hour })
	ctx := context.Background()
	assume := func(client *sts.Client, roleARN string, d int32) (*sts.AssumeRoleOutput, error) {
		return client.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String(roleARN), RoleSessionName: aws.String("limits"),
			ExternalId: aws.String(c.ExternalID), DurationSeconds: aws.Int32(d),
		})
	}
	if _, err := assume(srv.STS(srv.SaaS()), c.Role.ARN, 7200); err != nil {
		t.Fatalf("AssumeRole(2h) with MaxSessionDuration 2h = %v", err)
	}
	_, err := assume(srv.STS(srv.SaaS()), c.Role.ARN, 7201)
	if ae := apiError(t, err); ae.ErrorCode() != "ValidationError" || !strings.Contains(ae.ErrorMessage(), "MaxSessionDuration") {
		t.Errorf("AssumeRole(2h+1s) = %v; want ValidationError about MaxSessionDuration", err)
	}

	// Role chaining: a session assumes a second role, capped at one hour.
	hop := seed(t, srv, "hop", func(o *externalidtest.CustomerOptions) { o.MaxSessionDuration = 12 * time.Hour })
	chained := seed(t, srv, "chained", func(o *externalidtest.CustomerOptions) {
		o.AccountID = hop.AccountID
		o.RoleName = "Chained"
		o.ExternalID = c.ExternalID
		o.TrustedPrincipal = hop.Role.ARN
		o.MaxSessionDuration = 12 * time.Hour
	})
	out, err := srv.STS(srv.SaaS()).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(hop.Role.ARN), RoleSessionName: aws.String("hop"), ExternalId: aws.String(hop.ExternalID),
	})
	if err != nil {
		t.Fatal(err)
	}
	session := principalOf(out)
	if _, err := assume(srv.STS(session), chained.Role.ARN, 3600); err != nil {
		t.Fatalf("chained AssumeRole(1h) = %v", err)
	}
	_, err = assume(srv.STS(session), chained.Role.ARN, 3601)
	if ae := apiError(t, err); ae.ErrorCode() != "ValidationError" || !strings.Contains(ae.ErrorMessage(), "role chaining") {
		t.Errorf("chained AssumeRole(1h+1s) = %v; want ValidationError about role chaining", err)
	}
}

func principalOf(out *sts.AssumeRoleOutput) externalidtest.Principal {
	return externalidtest.Principal{
		ARN:             aws.ToString(out.AssumedRoleUser.Arn),
		AccessKeyID:     aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken:    aws.ToString(out.Credentials.SessionToken),
		Expires:         aws.ToTime(out.Credentials.Expiration),
	}
}

func TestSessionTagsNeedTagSession(t *testing.T) {
	srv := externalidtest.New(t)
	c := seed(t, srv, "acme")
	in := &sts.AssumeRoleInput{
		RoleArn: aws.String(c.Role.ARN), RoleSessionName: aws.String("tags"), ExternalId: aws.String(c.ExternalID),
		Tags: []ststypes.Tag{{Key: aws.String("tenant"), Value: aws.String("acme")}},
	}
	_, err := srv.STS(srv.SaaS()).AssumeRole(context.Background(), in)
	if ae := apiError(t, err); ae.ErrorCode() != "AccessDenied" || !strings.Contains(ae.ErrorMessage(), "sts:TagSession") {
		t.Fatalf("AssumeRole(tags) = %v; want AccessDenied for sts:TagSession", err)
	}
	policy := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "` + srv.SaaS().ARN + `"},
		"Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
		"Condition": {"StringEquals": {"sts:ExternalId": "` + c.ExternalID + `"}}}]}`
	if err := srv.UpdateAssumeRolePolicy(c.Role.ARN, policy); err != nil {
		t.Fatal(err)
	}
	in.SourceIdentity = aws.String("alice")
	out, err := srv.STS(srv.SaaS()).AssumeRole(context.Background(), in)
	if err != nil {
		t.Fatalf("AssumeRole(tags) after allowing sts:TagSession = %v", err)
	}
	if aws.ToString(out.SourceIdentity) != "alice" {
		t.Errorf("SourceIdentity = %q; want alice", aws.ToString(out.SourceIdentity))
	}
	ev, _ := srv.LastEvent("AssumeRole")
	if ev.RequestParameters["sourceIdentity"] != "alice" || ev.RequestParameters["tags"] == nil {
		t.Errorf("requestParameters = %v; want sourceIdentity and tags", ev.RequestParameters)
	}
}

func TestUpdateAndDeleteRole(t *testing.T) {
	srv := externalidtest.New(t)
	c := seed(t, srv, "acme")
	client := srv.STS(srv.SaaS())
	assume := func(id string) error {
		_, err := client.AssumeRole(context.Background(), &sts.AssumeRoleInput{
			RoleArn: aws.String(c.Role.ARN), RoleSessionName: aws.String("update"), ExternalId: aws.String(id),
		})
		return err
	}
	if err := srv.UpdateAssumeRolePolicy(c.Role.ARN, externalidtest.TrustPolicy(srv.SaaS().ARN, "replacement-id")); err != nil {
		t.Fatal(err)
	}
	if err := assume(c.ExternalID); err == nil {
		t.Error("AssumeRole(old id) after the policy changed succeeded; want AccessDenied")
	}
	if err := assume("replacement-id"); err != nil {
		t.Errorf("AssumeRole(new id) = %v", err)
	}
	if r, _ := srv.Role(c.Role.ARN); !strings.Contains(r.TrustPolicy, "replacement-id") {
		t.Errorf("Role().TrustPolicy = %s; want the replacement", r.TrustPolicy)
	}
	if err := srv.UpdateAssumeRolePolicy(c.Role.ARN, "{not json"); err == nil {
		t.Error("UpdateAssumeRolePolicy(malformed) = nil; want an error")
	}
	if err := srv.DeleteRole(c.Role.ARN); err != nil {
		t.Fatal(err)
	}
	if ae := apiError(t, assume("replacement-id")); ae.ErrorCode() != "AccessDenied" {
		t.Errorf("AssumeRole(deleted role) = %s; want AccessDenied", ae.ErrorCode())
	}
	if err := srv.DeleteRole(c.Role.ARN); err == nil {
		t.Error("DeleteRole(twice) = nil; want an error")
	}
}

func TestCredentialChecks(t *testing.T) {
	clock := externalidtest.NewManualClock(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	srv := externalidtest.New(t, func(o *externalidtest.Options) { o.Clock = clock.Now })
	c := seed(t, srv, "acme")
	ctx := context.Background()
	out, err := srv.STS(srv.SaaS()).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(c.Role.ARN), RoleSessionName: aws.String("expiry"),
		ExternalId: aws.String(c.ExternalID), DurationSeconds: aws.Int32(900),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToTime(out.Credentials.Expiration), clock.Now().Add(15*time.Minute); !got.Equal(want) {
		t.Errorf("Expiration = %v; want %v on the kit's clock", got, want)
	}
	session := principalOf(out)
	noToken := session
	noToken.SessionToken = ""
	unknown := externalidtest.Principal{AccessKeyID: "AKIAFAKEUNKNOWNKEY00", SecretAccessKey: "fake"}

	tests := []struct {
		name    string
		creds   aws.CredentialsProvider
		advance time.Duration
		want    string
	}{
		{"valid session", session, 0, ""},
		{"missing session token", noToken, 0, "InvalidClientTokenId"},
		{"unknown key", unknown, 0, "InvalidClientTokenId"},
		{"anonymous", aws.AnonymousCredentials{}, 0, "MissingAuthenticationToken"},
		{"expired session", session, 15 * time.Minute, "ExpiredToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(tt.advance)
			_, err := srv.STS(tt.creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("GetCallerIdentity() = %v", err)
				}
				return
			}
			if got := apiError(t, err).ErrorCode(); got != tt.want {
				t.Errorf("GetCallerIdentity() = %q; want %s", got, tt.want)
			}
		})
	}
}

func TestGetCallerIdentityOfUsers(t *testing.T) {
	srv := externalidtest.New(t)
	root, _ := srv.AccountRoot("123456789012")
	for _, p := range []externalidtest.Principal{srv.SaaS(), root} {
		id, err := srv.STS(p).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatalf("GetCallerIdentity(%s) = %v", p.ARN, err)
		}
		if aws.ToString(id.Arn) != p.ARN || aws.ToString(id.Account) != p.AccountID || aws.ToString(id.UserId) == "" {
			t.Errorf("GetCallerIdentity() = %s %s %s; want %s %s", aws.ToString(id.Arn), aws.ToString(id.Account), aws.ToString(id.UserId), p.ARN, p.AccountID)
		}
	}
	if _, err := srv.CreateUser("123", "x"); err == nil {
		t.Error("CreateUser(bad account) = nil; want an error")
	}
	if _, err := srv.CreateUser(srv.SaaSAccountID(), externalidtest.DefaultSaaSUserName); err == nil {
		t.Error("CreateUser(duplicate) = nil; want an error")
	}
}
