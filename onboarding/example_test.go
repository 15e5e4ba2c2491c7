package onboarding_test

import (
	"fmt"

	"github.com/tenantrole/externalid"
	"github.com/tenantrole/externalid/onboarding"
)

func ExampleTrustPolicy() {
	id, _ := externalid.New("3QXZ5B7K2M4N6P8R0T2V4X6Z8A")
	policy, err := onboarding.TrustPolicy("arn:aws:iam::111122223333:role/SaaSBackend", id)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(policy)
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "AllowSaaSWithExternalId",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "arn:aws:iam::111122223333:role/SaaSBackend"
	//       },
	//       "Action": "sts:AssumeRole",
	//       "Condition": {
	//         "StringEquals": {
	//           "sts:ExternalId": "3QXZ5B7K2M4N6P8R0T2V4X6Z8A"
	//         }
	//       }
	//     }
	//   ]
	// }
}

// During a rotation the trust policy accepts the current and the pending
// value.
func ExampleTrustPolicy_rotation() {
	current, _ := externalid.New("old-external-id-0001")
	pending, _ := externalid.New("new-external-id-0002")
	policy, _ := onboarding.TrustPolicy("111122223333", current, pending)
	fmt.Print(policy)
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "AllowSaaSWithExternalId",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "AWS": "111122223333"
	//       },
	//       "Action": "sts:AssumeRole",
	//       "Condition": {
	//         "StringEquals": {
	//           "sts:ExternalId": [
	//             "old-external-id-0001",
	//             "new-external-id-0002"
	//           ]
	//         }
	//       }
	//     }
	//   ]
	// }
}

func ExampleQuickCreateURL() {
	id, _ := externalid.New("3QXZ5B7K2M4N6P8R0T2V4X6Z8A")
	link, _ := onboarding.QuickCreateURL("eu-west-1",
		"https://example-bucket.s3.amazonaws.com/saas-role.yaml", "SaaSIntegration", id,
		func(o *onboarding.QuickCreateOptions) {
			o.Parameters = map[string]string{"SaaSPrincipal": "111122223333"}
		})
	fmt.Println(link)
	// Output:
	// https://console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/quickcreate?templateURL=https%3A%2F%2Fexample-bucket.s3.amazonaws.com%2Fsaas-role.yaml&stackName=SaaSIntegration&param_ExternalId=3QXZ5B7K2M4N6P8R0T2V4X6Z8A&param_SaaSPrincipal=111122223333
}
