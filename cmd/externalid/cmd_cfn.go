package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/tenantrole/externalid/onboarding"
)

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

func runCFN(ctx context.Context, a *app, args []string) error {
	var c common
	var tenant, principal, roleName, templateURL, stackName, consoleHost string
	var policies listFlag
	var reveal bool
	fs := a.newFlagSet("cfn", "[--template-url URL --tenant ID [--reveal]] [flags]", `
Print a CloudFormation template (YAML) that creates the customer's role.
Its parameters are ExternalId, SaaSPrincipal, ManagedPolicyArns, RoleName
and MaxSessionDuration; the template itself holds no ExternalId, so one
template (for example in S3) serves every customer.

With --template-url and --tenant, print instead the console's quick-create
link for that tenant, which fills in its ExternalId (and SaaSPrincipal,
ManagedPolicyArns and RoleName when given). The link holds the ExternalId:
send it to the customer only.

`+revealHelp)
	c.register(fs)
	fs.StringVar(&principal, "principal", "", "SaaS account id or principal ARN the role trusts")
	fs.Var(&policies, "managed-policy-arn", "managed policy ARN to attach to the role (repeatable)")
	fs.StringVar(&roleName, "role-name", "", "role name (default "+onboarding.DefaultRoleName+")")
	fs.StringVar(&templateURL, "template-url", "", "https URL of the uploaded template: print the quick-create link")
	fs.StringVar(&tenant, "tenant", "", "tenant whose ExternalId the link fills in (with --template-url)")
	fs.StringVar(&stackName, "stack-name", "SaaSIntegration", "stack name in the link")
	fs.StringVar(&consoleHost, "console-host", onboarding.DefaultConsoleHost, "AWS console host name in the link")
	fs.BoolVar(&reveal, "reveal", false, "with --template-url: print the ExternalId in the link even when stdout is not a terminal")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if templateURL == "" {
		if tenant != "" {
			return usageError(fs, "--tenant needs --template-url: the template itself holds no ExternalId")
		}
		tpl, err := onboarding.CloudFormationTemplate(func(o *onboarding.TemplateOptions) {
			o.SaaSPrincipal = principal
			o.ManagedPolicyARNs = policies
			o.RoleName = roleName
		})
		if err != nil {
			return err
		}
		if c.json {
			return printJSON(a.stdout, struct {
				Template string `json:"template"`
			}{tpl})
		}
		_, err = fmt.Fprint(a.stdout, tpl)
		return err
	}
	cl, err := c.connectTenant(ctx, fs, tenant)
	if err != nil {
		return err
	}
	id, err := cl.resolver.ResolveExternalID(ctx, tenant)
	if err != nil {
		return err
	}
	params := map[string]string{}
	if principal != "" {
		params["SaaSPrincipal"] = principal
	}
	if len(policies) > 0 {
		params["ManagedPolicyArns"] = strings.Join(policies, ",")
	}
	if roleName != "" {
		params["RoleName"] = roleName
	}
	link, err := onboarding.QuickCreateURL(cl.cfg.Region, templateURL, stackName, id, func(o *onboarding.QuickCreateOptions) {
		o.ConsoleHost = consoleHost
		o.Parameters = params
	})
	if err != nil {
		return err
	}
	redact := !a.reveal(reveal)
	if redact {
		var ok bool
		if link, ok = redactLinkParam(link, "param_ExternalId", onboarding.Placeholder(tenant, id)); !ok {
			return fmt.Errorf("the quick-create link has no param_ExternalId to replace; pass --reveal to print it as it is")
		}
	}
	if c.json {
		err = printJSON(a.stdout, struct {
			TenantID    string `json:"tenantId"`
			Fingerprint string `json:"fingerprint"`
			URL         string `json:"url"`
			Redacted    bool   `json:"redacted,omitempty"`
		}{tenant, id.Fingerprint(), link, redact})
	} else {
		_, err = fmt.Fprintln(a.stdout, link)
	}
	if err == nil && redact {
		a.noteRedacted("cfn")
	}
	return err
}
