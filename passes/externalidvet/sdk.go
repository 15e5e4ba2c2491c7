package externalidvet

import (
	"go/ast"
	"go/types"
)

// Import paths of the AWS SDK for Go v2 packages the analyzer knows.
const (
	awsPath      = "github.com/aws/aws-sdk-go-v2/aws"
	stsPath      = "github.com/aws/aws-sdk-go-v2/service/sts"
	stscredsPath = "github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	configPath   = "github.com/aws/aws-sdk-go-v2/config"
)

// A target is a struct type with a field that carries the external ID.
type target struct {
	pkgPath, typeName string
	field             string // name of the external ID field
	display           string // qualified name used in messages
	advice            string // what to do, used in messages
}

var (
	inputTarget = &target{
		pkgPath:  stsPath,
		typeName: "AssumeRoleInput",
		field:    "ExternalId",
		display:  "sts.AssumeRoleInput",
		advice:   adviceInput,
	}
	optionsTarget = &target{
		pkgPath:  stscredsPath,
		typeName: "AssumeRoleOptions",
		field:    "ExternalID",
		display:  "stscreds.AssumeRoleOptions",
		advice:   adviceOptions,
	}
)

// targetOf returns the target that t is, or points to, or nil.
func targetOf(t types.Type) *target {
	if t == nil {
		return nil
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return nil
	}
	for _, tg := range []*target{inputTarget, optionsTarget} {
		if n.Obj().Pkg().Path() == tg.pkgPath && n.Obj().Name() == tg.typeName {
			return tg
		}
	}
	return nil
}

// fieldTarget returns the target whose external ID field sel selects, or nil.
func (c *checker) fieldTarget(sel *ast.SelectorExpr) *target {
	s, ok := c.info.Selections[sel]
	if !ok || s.Kind() != types.FieldVal {
		return nil
	}
	t := targetOf(s.Recv())
	if t == nil || len(s.Index()) != 1 || s.Obj().Name() != t.field {
		return nil
	}
	return t
}

// isFunc reports whether fn is the package-level function pkgPath.name.
func isFunc(fn *types.Func, pkgPath, name string) bool {
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == pkgPath &&
		fn.Name() == name && fn.Signature().Recv() == nil
}

// isSink reports whether fn sends an *sts.AssumeRoleInput it is given as
// it is: a function or method of package sts, such as
// (*sts.Client).AssumeRole, or the AssumeRole method of an interface, such as
// stscreds.AssumeRoleAPIClient, whose implementations are *sts.Client and
// its test fakes. A wrapper that fills in the ExternalId behind such an
// interface is rare enough to take a suppression with its reason.
func isSink(fn *types.Func) bool {
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	if fn.Pkg().Path() == stsPath {
		return true
	}
	recv := fn.Signature().Recv()
	return fn.Name() == "AssumeRole" && recv != nil && types.IsInterface(recv.Type()) &&
		fn.Signature().Params().Len() >= 2 && targetOf(fn.Signature().Params().At(1).Type()) == inputTarget
}

// isSTSClient reports whether t is *sts.Client, which sends the input of
// AssumeRole as it is.
func isSTSClient(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == stsPath && n.Obj().Name() == "Client"
}
