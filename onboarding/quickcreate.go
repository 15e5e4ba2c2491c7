package onboarding

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/tenantrole/externalid"
)

// DefaultConsoleHost is the AWS console that [QuickCreateURL] links to.
const DefaultConsoleHost = "console.aws.amazon.com"

// QuickCreateOptions configures [QuickCreateURL].
type QuickCreateOptions struct {
	// ConsoleHost is the console's host name. Defaults to
	// [DefaultConsoleHost]; use console.amazonaws.cn for China or
	// console.amazonaws-us-gov.com for GovCloud.
	ConsoleHost string

	// Parameters are more stack parameters to fill in, such as
	// SaaSPrincipal, ManagedPolicyArns or RoleName. Defaults to none. An
	// ExternalId entry is refused: pass the ExternalId as the argument.
	Parameters map[string]string
}

var (
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	stackNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
	paramNamePattern = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)
)

// QuickCreateURL builds the AWS console link that opens the stack of
// templateURL (an https URL of the template, typically in S3) in region,
// named stackName, with its ExternalId parameter set to id:
//
//	https://console.aws.amazon.com/cloudformation/home?region=R#/stacks/quickcreate?templateURL=...&stackName=...&param_ExternalId=...
//
// Every value is percent-encoded. The link holds the ExternalId value: send
// it to the customer only.
func QuickCreateURL(region, templateURL, stackName string, id externalid.ExternalID, optFns ...func(*QuickCreateOptions)) (string, error) {
	opts := QuickCreateOptions{ConsoleHost: DefaultConsoleHost}
	for _, fn := range optFns {
		fn(&opts)
	}
	if opts.ConsoleHost == "" {
		opts.ConsoleHost = DefaultConsoleHost
	}
	switch u, err := url.Parse(templateURL); {
	case !regionPattern.MatchString(region):
		return "", fmt.Errorf("%w: region %q is not an AWS region such as us-east-1", ErrInvalidArgument, region)
	case err != nil || u.Scheme != "https" || u.Host == "":
		return "", fmt.Errorf("%w: template URL %q must be an absolute https URL, such as the S3 URL of the template", ErrInvalidArgument, templateURL)
	case !stackNamePattern.MatchString(stackName):
		return "", fmt.Errorf("%w: stack name %q must start with a letter and hold up to 128 letters, digits and hyphens", ErrInvalidArgument, stackName)
	case id.IsZero():
		return "", fmt.Errorf("%w: the ExternalId is the zero ExternalID; resolve or generate one", ErrInvalidArgument)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "https://%s/cloudformation/home?region=%s#/stacks/quickcreate?templateURL=%s&stackName=%s&param_ExternalId=%s",
		opts.ConsoleHost, uriComponent(region), uriComponent(templateURL), uriComponent(stackName), uriComponent(id.Value()))
	names := make([]string, 0, len(opts.Parameters))
	for name := range opts.Parameters {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !paramNamePattern.MatchString(name) || name == "ExternalId" {
			return "", fmt.Errorf("%w: QuickCreateOptions.Parameters has %q; want an alphanumeric parameter name other than ExternalId", ErrInvalidArgument, name)
		}
		fmt.Fprintf(&b, "&param_%s=%s", name, uriComponent(opts.Parameters[name]))
	}
	return b.String(), nil
}

// uriComponent percent-encodes s like JavaScript's encodeURIComponent,
// which is how the console decodes its fragment: a space is %20, not +.
func uriComponent(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
