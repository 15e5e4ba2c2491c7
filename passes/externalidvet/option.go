package externalidvet

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// An effect says what an option, a func(*stscreds.AssumeRoleOptions),
// does to the ExternalID field.
type effect int

const (
	effectNone    effect = iota // provably leaves ExternalID unset
	effectSets                  // may set ExternalID
	effectUnknown               // cannot be followed
)

// join returns the effect of applying options with effects a and b.
// One option that may set ExternalID is enough for no finding.
func join(a, b effect) effect {
	switch {
	case a == effectSets || b == effectSets:
		return effectSets
	case a == effectUnknown || b == effectUnknown:
		return effectUnknown
	}
	return effectNone
}

// optionEffect returns the effect of the option expression e: a function
// literal, a function or method of this package, a variable assigned
// once, or a call to a function of this package that returns options.
// Anything else is unknown.
func (c *checker) optionEffect(e ast.Expr) effect {
	e = ast.Unparen(e)
	var id *ast.Ident
	switch e := e.(type) {
	case *ast.FuncLit:
		return c.bodyEffect(e.Type, e.Body)
	case *ast.CallExpr:
		fn, _ := typeutil.Callee(c.info, e).(*types.Func)
		return c.resultEffect(fn)
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return effectUnknown
	}
	switch obj := c.info.Uses[id].(type) {
	case *types.Func:
		return c.funcEffect(obj)
	case *types.Var:
		value := c.singleValue(obj)
		if value == nil || c.varSeen[obj] {
			return effectUnknown
		}
		c.varSeen[obj] = true
		defer delete(c.varSeen, obj)
		return c.optionEffect(value)
	}
	return effectUnknown
}

// funcEffect returns the effect of fn used as an option.
func (c *checker) funcEffect(fn *types.Func) effect {
	decl := c.funcDecls[fn]
	if decl == nil {
		return effectUnknown
	}
	if eff, ok := c.funcMemo[fn]; ok {
		return eff
	}
	c.funcMemo[fn] = effectUnknown // against recursion
	eff := c.bodyEffect(decl.Type, decl.Body)
	c.funcMemo[fn] = eff
	return eff
}

// resultEffect returns the joint effect of the options that fn returns.
func (c *checker) resultEffect(fn *types.Func) effect {
	decl := c.funcDecls[fn]
	if decl == nil || decl.Body == nil {
		return effectUnknown
	}
	if eff, ok := c.resultMemo[fn]; ok {
		return eff
	}
	c.resultMemo[fn] = effectUnknown // against recursion
	eff, returns := effectNone, 0
	body, ok := c.root.FindNode(decl.Body)
	if !ok {
		return effectUnknown
	}
	body.Inspect([]ast.Node{(*ast.FuncLit)(nil), (*ast.ReturnStmt)(nil)}, func(cur inspector.Cursor) bool {
		ret, ok := cur.Node().(*ast.ReturnStmt)
		if !ok {
			return false // a nested function's returns are its own
		}
		returns++
		if len(ret.Results) != 1 {
			eff = effectUnknown
		} else {
			eff = join(eff, c.optionEffect(ret.Results[0]))
		}
		return false
	})
	if returns == 0 {
		eff = effectUnknown
	}
	c.resultMemo[fn] = eff
	return eff
}

// bodyEffect returns the effect of a function with type ftype and body
// on the options its first parameter points to.
func (c *checker) bodyEffect(ftype *ast.FuncType, body *ast.BlockStmt) effect {
	if body == nil || ftype.Params == nil || len(ftype.Params.List) == 0 {
		return effectUnknown
	}
	names := ftype.Params.List[0].Names
	if len(names) == 0 {
		return effectNone // an unnamed parameter is never touched
	}
	p, ok := c.info.Defs[names[0]].(*types.Var)
	if !ok {
		return effectNone // _
	}
	return c.paramEffect(p, body)
}

// paramEffect returns the effect of body on the options that its
// parameter p points to.
func (c *checker) paramEffect(p *types.Var, body *ast.BlockStmt) effect {
	if eff, ok := c.paramMemo[p]; ok {
		return eff
	}
	c.paramMemo[p] = effectUnknown // against recursion
	eff := effectNone
	cur, ok := c.root.FindNode(body)
	if !ok {
		return effectUnknown
	}
	for use := range cur.Preorder((*ast.Ident)(nil)) {
		if c.info.Uses[use.Node().(*ast.Ident)] == p {
			eff = join(eff, c.useEffect(use))
		}
	}
	c.paramMemo[p] = eff
	return eff
}

// useEffect returns the effect of one use of an options pointer.
func (c *checker) useEffect(cur inspector.Cursor) effect {
	cur = cur.UnparenEnclosing()
	parent := cur.Parent()
	switch kind, i := cur.ParentEdge(); kind {
	case edge.SelectorExpr_X:
		if parent.Node().(*ast.SelectorExpr).Sel.Name != optionsTarget.field {
			return effectNone // o.RoleSessionName = ...
		}
		return c.storeEffect(parent.UnparenEnclosing(), func(rhs ast.Expr) effect {
			if kind, _ := c.classifyValue(rhs); isMissing(kind) {
				return effectNone
			}
			return effectSets
		})
	case edge.StarExpr_X:
		return c.storeEffect(parent.UnparenEnclosing(), func(rhs ast.Expr) effect {
			lit, ok := ast.Unparen(rhs).(*ast.CompositeLit)
			if !ok {
				return effectUnknown // *o = opts
			}
			value, keyed := fieldValue(lit, optionsTarget.field)
			if !keyed {
				return effectUnknown
			}
			if value == nil {
				return effectNone
			}
			if kind, _ := c.classifyValue(value); isMissing(kind) {
				return effectNone
			}
			return effectSets
		})
	case edge.BinaryExpr_X, edge.BinaryExpr_Y:
		return effectNone // o == nil
	case edge.CallExpr_Args:
		// configure(o, ...): follow into a function of this package.
		call := parent.Node().(*ast.CallExpr)
		fn, _ := typeutil.Callee(c.info, call).(*types.Func)
		decl := c.funcDecls[fn]
		if decl == nil || decl.Body == nil || call.Ellipsis.IsValid() {
			return effectUnknown
		}
		p := paramAt(c.info, decl.Type, i)
		if p == nil {
			return effectUnknown
		}
		if p.Name() == "_" {
			return effectNone
		}
		return c.paramEffect(p, decl.Body)
	}
	return effectUnknown
}

// storeEffect returns the effect of the expression at cur, o.ExternalID
// or *o: if it is assigned to, valueEffect of the assigned value; if it
// is read, none; if its address is taken, unknown.
func (c *checker) storeEffect(cur inspector.Cursor, valueEffect func(ast.Expr) effect) effect {
	switch kind, i := cur.ParentEdge(); kind {
	case edge.AssignStmt_Lhs:
		assign := cur.Parent().Node().(*ast.AssignStmt)
		if assign.Tok != token.ASSIGN || len(assign.Lhs) != len(assign.Rhs) {
			return effectUnknown
		}
		return valueEffect(assign.Rhs[i])
	case edge.UnaryExpr_X:
		if cur.Parent().Node().(*ast.UnaryExpr).Op == token.AND {
			return effectUnknown
		}
	}
	return effectNone
}

// paramAt returns the variable of the i'th parameter of ftype, or nil if
// there is none or it is variadic. An unnamed parameter is reported as
// a variable named "_".
func paramAt(info *types.Info, ftype *ast.FuncType, i int) *types.Var {
	n := 0
	for _, field := range ftype.Params.List {
		if _, ok := field.Type.(*ast.Ellipsis); ok {
			return nil
		}
		if len(field.Names) == 0 {
			if n == i {
				return types.NewVar(token.NoPos, nil, "_", nil)
			}
			n++
			continue
		}
		for _, name := range field.Names {
			if n == i {
				if v, ok := info.Defs[name].(*types.Var); ok {
					return v
				}
				return types.NewVar(token.NoPos, nil, "_", nil)
			}
			n++
		}
	}
	return nil
}
