package externalidtest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/tenantrole/externalid/externalidtest"
)

// The kit reproduces what AWS does when a SaaS forgets the ExternalId.
func Example() {
	srv := externalidtest.NewServer()
	defer srv.Close()
	cust, err := srv.SeedCustomer("acme")
	if err != nil {
		panic(err)
	}

	_, err = srv.STS(srv.SaaS()).AssumeRole(context.Background(), &sts.AssumeRoleInput{ //externalid:ignore demonstrates the denial
		RoleArn:         aws.String(cust.Role.ARN),
		RoleSessionName: aws.String("acme"),
	})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.ErrorCode())
		fmt.Println(apiErr.ErrorMessage())
	}
	ev, _ := srv.LastEvent("AssumeRole")
	fmt.Println("externalId:", ev.RequestParameters["externalId"])
	fmt.Println("why:", ev.Decision)
	// Output:
	// AccessDenied
	// User: arn:aws:iam::111122223333:user/saas-backend is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455550001:role/SaaSIntegrationRole
	// externalId: <nil>
	// why: statement 0: StringEquals on sts:ExternalId: key absent from request
}

// Credentials issued by the kit work against it.
func ExampleServer_SeedCustomer() {
	srv := externalidtest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	cust, err := srv.SeedCustomer("acme", func(o *externalidtest.CustomerOptions) {
		o.AccountID = "210987654321"
	})
	if err != nil {
		panic(err)
	}
	secret, err := srv.SecretsManager(srv.SaaS()).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{
		SecretId: aws.String(cust.SecretName),
	})
	if err != nil {
		panic(err)
	}
	out, err := srv.STS(srv.SaaS()).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(cust.Role.ARN),
		RoleSessionName: aws.String("tenant-acme"),
		ExternalId:      secret.SecretString,
	})
	if err != nil {
		panic(err)
	}
	session := externalidtest.Principal{
		AccessKeyID:     aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken:    aws.ToString(out.Credentials.SessionToken),
	}
	id, err := srv.STS(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		panic(err)
	}
	fmt.Println(cust.SecretName)
	fmt.Println(aws.ToString(id.Arn))
	// Output:
	// externalid/acme
	// arn:aws:sts::210987654321:assumed-role/SaaSIntegrationRole/tenant-acme
}

// Two throttled answers, then success: the SDK's retries absorb them.
func ExampleServer_InjectFault() {
	srv := externalidtest.NewServer()
	defer srv.Close()
	srv.InjectFault("GetCallerIdentity", externalidtest.Fault{Kind: externalidtest.FaultThrottling, Times: 2})
	_, err := srv.STS(srv.SaaS()).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	fmt.Println("error:", err)
	for _, ev := range srv.Events() {
		fmt.Printf("%s %q\n", ev.EventName, ev.ErrorCode)
	}
	// Output:
	// error: <nil>
	// GetCallerIdentity "Throttling"
	// GetCallerIdentity "Throttling"
	// GetCallerIdentity ""
}

func ExampleTrustPolicy() {
	fmt.Println(externalidtest.TrustPolicy("arn:aws:iam::111122223333:root", "example-external-id"))
	// Output:
	// {
	//   "Statement": [
	//     {
	//       "Action": "sts:AssumeRole",
	//       "Condition": {
	//         "StringEquals": {
	//           "sts:ExternalId": "example-external-id"
	//         }
	//       },
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::111122223333:root"
	//       }
	//     }
	//   ],
	//   "Version": "2012-10-17"
	// }
}
