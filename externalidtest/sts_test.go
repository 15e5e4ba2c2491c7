package externalidtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
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
