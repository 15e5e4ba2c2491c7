// Package options tests stscreds and config options.
package options

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func providers(c *sts.Client, arn, id string) {
	stscreds.NewAssumeRoleProvider(c, arn)                                       // want `externalidvet\(missing\): stscreds.NewAssumeRoleProvider without an option that sets ExternalID: AssumeRole will be denied by a trust policy that requires sts:ExternalId; use externalid.NewProvider or set ExternalID from a resolver`
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) { // want `NewAssumeRoleProvider without an option that sets ExternalID`
		o.RoleSessionName = "session"
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) { // want `NewAssumeRoleProvider without`
		o.ExternalID = nil
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) { // want `NewAssumeRoleProvider without`
		if o.ExternalID == nil {
			o.RoleSessionName = "no-external-id"
		}
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(*stscreds.AssumeRoleOptions) {}, func(_ *stscreds.AssumeRoleOptions) {}) // want `NewAssumeRoleProvider without`
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {                                         // want `NewAssumeRoleProvider without`
		o.ExternalID = aws.String("")
	})

	// An option sets ExternalID.
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = aws.String(id)
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = &id
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "s"
	}, func(o *stscreds.AssumeRoleOptions) {
		if id != "" {
			o.ExternalID = &id
		}
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = aws.String("a1b2c3d4") // want `externalidvet\(hardcoded\): stscreds.AssumeRoleOptions.ExternalID is a hard-coded constant`
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		*o = stscreds.AssumeRoleOptions{Client: c, RoleARN: arn, ExternalID: &id}
	})
}

// Options built in helpers of this package are followed.
func helpers(c *sts.Client, arn, id string) {
	stscreds.NewAssumeRoleProvider(c, arn, withExternalID(id))
	stscreds.NewAssumeRoleProvider(c, arn, fromEnv)
	stscreds.NewAssumeRoleProvider(c, arn, delegating)
	stscreds.NewAssumeRoleProvider(c, arn, withSession("s")) // want `NewAssumeRoleProvider without`
	stscreds.NewAssumeRoleProvider(c, arn, sessionOnly)      // want `NewAssumeRoleProvider without`
	stscreds.NewAssumeRoleProvider(c, arn, withSession("s"), withExternalID(id))
	var h helper
	stscreds.NewAssumeRoleProvider(c, arn, h.apply)

	opt := func(o *stscreds.AssumeRoleOptions) { o.ExternalID = &id }
	stscreds.NewAssumeRoleProvider(c, arn, opt)
	bare := func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = "s" }
	stscreds.NewAssumeRoleProvider(c, arn, bare)      // want `NewAssumeRoleProvider without`
	stscreds.NewAssumeRoleProvider(c, arn, pkgOption) // want `NewAssumeRoleProvider without`
}

func withExternalID(id string) func(*stscreds.AssumeRoleOptions) {
	return func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = aws.String(id)
	}
}

func withSession(name string) func(*stscreds.AssumeRoleOptions) {
	return func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = name
	}
}

func fromEnv(o *stscreds.AssumeRoleOptions) {
	o.ExternalID = aws.String(os.Getenv("EXTERNAL_ID"))
}

func sessionOnly(o *stscreds.AssumeRoleOptions) {
	o.RoleSessionName = "s"
}

func delegating(o *stscreds.AssumeRoleOptions) {
	configure(o, os.Getenv("EXTERNAL_ID"))
}

func configure(o *stscreds.AssumeRoleOptions, id string) {
	o.ExternalID = &id
}

type helper struct{ id string }

func (h helper) apply(o *stscreds.AssumeRoleOptions) { o.ExternalID = &h.id }

var pkgOption = func(o *stscreds.AssumeRoleOptions) { o.Duration = 0 }

// Options the analyzer cannot see into are unknown, not findings.
func unknown(c *sts.Client, arn string, param func(*stscreds.AssumeRoleOptions), opts []func(*stscreds.AssumeRoleOptions), r resolver) {
	stscreds.NewAssumeRoleProvider(c, arn, param)
	stscreds.NewAssumeRoleProvider(c, arn, opts...)
	stscreds.NewAssumeRoleProvider(c, arn, r.Option())
	stscreds.NewAssumeRoleProvider(c, arn, ExportedOption)
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		param(o)
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		*o = template()
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		r.Fill(&o.ExternalID)
	})
	var reassigned func(*stscreds.AssumeRoleOptions)
	reassigned = param
	reassigned = func(o *stscreds.AssumeRoleOptions) {}
	stscreds.NewAssumeRoleProvider(c, arn, reassigned)
	var fromMap = map[string]func(*stscreds.AssumeRoleOptions){}["x"]
	stscreds.NewAssumeRoleProvider(c, arn, fromMap)
}

// ExportedOption may be replaced by another package: unknown.
var ExportedOption = func(o *stscreds.AssumeRoleOptions) {}

type resolver interface {
	Option() func(*stscreds.AssumeRoleOptions)
	Fill(**string)
}

func template() stscreds.AssumeRoleOptions {
	return stscreds.AssumeRoleOptions{RoleSessionName: "s"} // returned: may be filled in by the caller
}

// AssumeRoleOptions literals.
func literals(c *sts.Client, arn, id string) {
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) { // want `NewAssumeRoleProvider without`
		*o = stscreds.AssumeRoleOptions{Client: c, RoleARN: arn} // want `externalidvet\(missing\): stscreds.AssumeRoleOptions without ExternalID`
	})
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		*o = stscreds.AssumeRoleOptions{Client: c, RoleARN: arn}
		o.ExternalID = &id
	})
	opts := stscreds.AssumeRoleOptions{RoleSessionName: "s"} // want `stscreds.AssumeRoleOptions without ExternalID`
	opts.Duration = 0
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		*o = opts
	})

	filled := stscreds.AssumeRoleOptions{RoleSessionName: "s"}
	filled.ExternalID = &id
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		*o = filled
	})

	base := stscreds.AssumeRoleOptions{RoleSessionName: "s"}
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) {
		*o = base
		o.ExternalID = &id
	})
	nilOpts := stscreds.AssumeRoleOptions{ExternalID: nil} // want `stscreds.AssumeRoleOptions with a nil ExternalID`
	stscreds.NewAssumeRoleProvider(c, arn, func(o *stscreds.AssumeRoleOptions) { *o = nilOpts })
	_ = stscreds.AssumeRoleOptions{}                                    // discarded: unknown
	_ = stscreds.AssumeRoleOptions{ExternalID: aws.String("p@ss word")} // want `externalidvet\(invalid\): stscreds.AssumeRoleOptions.ExternalID constant has a character STS does not allow: STS allows 2 to 1224 characters`
}

// config.WithAssumeRoleCredentialOptions.
func loadConfig(ctx context.Context, id string, param func(*stscreds.AssumeRoleOptions)) {
	config.LoadDefaultConfig(ctx, config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) { // want `externalidvet\(missing\): config.WithAssumeRoleCredentialOptions with an option that does not set ExternalID: unless the shared config profile sets external_id, AssumeRole will be denied`
		o.RoleSessionName = "s"
	}))
	config.LoadDefaultConfig(ctx, config.WithAssumeRoleCredentialOptions(sessionOnly)) // want `config.WithAssumeRoleCredentialOptions with an option that does not set ExternalID`
	config.LoadDefaultConfig(ctx, config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = &id
	}))
	config.LoadDefaultConfig(ctx, config.WithAssumeRoleCredentialOptions(withExternalID(id)))
	config.LoadDefaultConfig(ctx, config.WithAssumeRoleCredentialOptions(param))
}

// tenantClient is a concrete wrapper that may set the ExternalId itself.
type tenantClient struct{ c *sts.Client }

func (w tenantClient) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return w.c.AssumeRole(ctx, in, optFns...)
}

func concreteWrapper(c *sts.Client, arn string) {
	stscreds.NewAssumeRoleProvider(tenantClient{c}, arn) // a concrete wrapper: unknown
}
