package externalidvet

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// fieldValue returns the value that lit gives the field name, or nil if
// it gives none. keyed is false if lit lists its fields by position.
func fieldValue(lit *ast.CompositeLit, name string) (value ast.Expr, keyed bool) {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return nil, false
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
			return kv.Value, true
		}
	}
	return nil, true
}

// literalProven reports whether the literal at cur, of target t, which
// lacks an external ID, provably keeps lacking it: it is passed straight
// to AssumeRole, or stored in a local variable whose external ID field
// is never touched and which goes nowhere the analyzer cannot follow.
// A literal that is returned, stored in a field or passed to another
// function may be filled in later, so it is unknown.
func (c *checker) literalProven(cur inspector.Cursor, t *target) bool {
	fn, ok := enclosingFunc(cur)
	if !ok {
		return false // package-level variable: unknown
	}
	cur = cur.UnparenEnclosing()
	if u, ok := cur.Parent().Node().(*ast.UnaryExpr); ok && u.Op == token.AND {
		cur = cur.Parent().UnparenEnclosing()
	}
	switch kind, i := cur.ParentEdge(); kind {
	case edge.CallExpr_Args:
		return t == inputTarget && c.isSinkCall(cur.Parent().Node().(*ast.CallExpr), i)
	case edge.AssignStmt_Rhs:
		assign := cur.Parent().Node().(*ast.AssignStmt)
		return len(assign.Lhs) == len(assign.Rhs) && c.storeProven(fn, assign, assign.Lhs[i], t, 0)
	case edge.ValueSpec_Values:
		spec := cur.Parent().Node().(*ast.ValueSpec)
		if len(spec.Names) != len(spec.Values) {
			return false
		}
		v, ok := c.info.Defs[spec.Names[i]].(*types.Var)
		return ok && c.usesProven(fn, v, t, nil, 0)
	}
	return false
}

// storeProven reports whether a value of target t lacking the external
// ID, assigned to lhs by assign, provably keeps lacking it.
func (c *checker) storeProven(fn inspector.Cursor, assign *ast.AssignStmt, lhs ast.Expr, t *target, depth int) bool {
	lhs = ast.Unparen(lhs)
	if star, ok := lhs.(*ast.StarExpr); ok {
		// *o = stscreds.AssumeRoleOptions{...}: follow o.
		if t != optionsTarget {
			return false
		}
		lhs = ast.Unparen(star.X)
	}
	id, ok := lhs.(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := c.info.ObjectOf(id).(*types.Var)
	if !ok || isPackageLevel(v) {
		return false
	}
	return c.usesProven(fn, v, t, assign, depth)
}

// maxCopies bounds how many copies of a value usesProven follows.
const maxCopies = 4

// usesProven reports whether every use of v in fn leaves v's external ID
// field alone and keeps v where the analyzer can follow it. def is the
// assignment that stored the value, or nil for a declaration.
func (c *checker) usesProven(fn inspector.Cursor, v *types.Var, t *target, def *ast.AssignStmt, depth int) bool {
	if depth > maxCopies {
		return false
	}
	for use := range fn.Preorder((*ast.Ident)(nil)) {
		if c.info.Uses[use.Node().(*ast.Ident)] != v {
			continue
		}
		if !c.useProven(fn, use, t, def, depth) {
			return false
		}
	}
	return true
}

// useProven reports whether the use of a tracked variable at cur leaves
// its external ID field alone. See usesProven.
func (c *checker) useProven(fn, cur inspector.Cursor, t *target, def *ast.AssignStmt, depth int) bool {
	cur = cur.UnparenEnclosing()
	parent := cur.Parent()
	switch kind, i := cur.ParentEdge(); kind {
	case edge.SelectorExpr_X:
		// v.RoleArn = ... is fine; v.ExternalId, read or written, is not.
		return parent.Node().(*ast.SelectorExpr).Sel.Name != t.field
	case edge.CallExpr_Args:
		return t == inputTarget && c.isSinkCall(parent.Node().(*ast.CallExpr), i)
	case edge.UnaryExpr_X:
		// &v passed to AssumeRole.
		u := parent.Node().(*ast.UnaryExpr)
		parent = parent.UnparenEnclosing()
		kind, i := parent.ParentEdge()
		return u.Op == token.AND && t == inputTarget && kind == edge.CallExpr_Args &&
			c.isSinkCall(parent.Parent().Node().(*ast.CallExpr), i)
	case edge.StarExpr_X:
		// *v = value, the assignment being followed.
		parent = parent.UnparenEnclosing()
		return def != nil && parent.ParentEdgeKind() == edge.AssignStmt_Lhs && parent.Parent().Node() == def
	case edge.AssignStmt_Lhs:
		return parent.Node() == def
	case edge.AssignStmt_Rhs:
		// A copy, as in *o = opts: follow the copy.
		assign := parent.Node().(*ast.AssignStmt)
		return len(assign.Lhs) == len(assign.Rhs) && c.storeProven(fn, assign, assign.Lhs[i], t, depth+1)
	}
	return false
}

// isSinkCall reports whether call sends the *sts.AssumeRoleInput that is
// its argument arg as is. A call with per-call options after the input
// is not a sink: a middleware added there may set the ExternalId.
func (c *checker) isSinkCall(call *ast.CallExpr, arg int) bool {
	fn, _ := typeutil.Callee(c.info, call).(*types.Func)
	return isSink(fn) && arg == len(call.Args)-1 && !call.Ellipsis.IsValid()
}

// enclosingFunc returns the outermost function declaration or literal
// around cur, which holds every use of a local variable declared there.
func enclosingFunc(cur inspector.Cursor) (inspector.Cursor, bool) {
	var outer inspector.Cursor
	found := false
	for fn := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		outer, found = fn, true
	}
	return outer, found
}

// isPackageLevel reports whether v is a package-level variable.
func isPackageLevel(v *types.Var) bool {
	return v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}
