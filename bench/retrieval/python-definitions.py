"""Ground truth for Python changes, from Python's own `ast` and import resolution (not pyright).

Reads JSON on stdin: {"root", "files", "roots", "usesIn"}: the tree's folder, its .py files
(relative paths), the folders that are import roots (like sys.path entries), and the files whose
uses are wanted. Writes JSON: {"declared": {"path#name": [lines]}, "uses": {path: {line: [use]}}}
where a use is {"key", "path", "line"}.

Definitions: top-level functions, classes and assigned names, and the methods and attributes a
class body defines. A name on a line resolves as Python would bind it at module level (its own
top-level definitions, `import a.b [as m]`, `from x import y [as z]`, relative imports, followed
through re-exports up to three hops), `m.f` through an imported module, and `self.f` / `cls.f` to
the enclosing class's own members. Names bound inside the enclosing function (parameters,
assignments, loop targets) are local and not definitions. Not resolved: inherited members,
attributes of objects other than modules and self, star imports.
"""

import ast
import json
import os
import sys


def main():
    request = json.load(sys.stdin)
    root, files, roots = request["root"], request["files"], request["roots"]
    roots = sorted(roots, key=len, reverse=True)
    modules = {}
    for path in files:
        for r in roots:
            prefix = "" if r in (".", "") else r.rstrip("/") + "/"
            if path.startswith(prefix):
                name = path[len(prefix):-3].replace("/", ".")
                if name.endswith(".__init__"):
                    name = name[: -len(".__init__")]
                modules.setdefault(name, path)
                break
    module_of = {path: name for name, path in modules.items()}

    trees = {}
    for path in files:
        try:
            with open(os.path.join(root, path), encoding="utf-8", errors="replace") as handle:
                trees[path] = ast.parse(handle.read(), filename=path)
        except SyntaxError:
            continue

    declared = {}
    top = {}
    classes = {}
    for path, tree in trees.items():
        names = {}
        members = {}
        for node in tree.body:
            for name, line in defined_names(node):
                names[name] = line
                declared.setdefault(f"{path}#{name}", []).append(line)
            if isinstance(node, ast.ClassDef):
                own = {}
                for item in node.body:
                    for name, line in defined_names(item):
                        own[name] = line
                        declared.setdefault(f"{path}#{name}", []).append(line)
                members[node.name] = own
        top[path] = names
        classes[path] = members

    bindings = {path: import_bindings(tree, module_of.get(path, ""), path, modules) for path, tree in trees.items()}

    def definition(module, name, hops=0):
        path = modules.get(module)
        if path is None or path not in top or hops > 3:
            return None
        if name in top[path]:
            return {"key": f"{path}#{name}", "path": path, "line": top[path][name]}
        bound = bindings[path].get(name)
        if bound and bound[0] == "from":
            return definition(bound[1], bound[2], hops + 1)
        return None

    def resolve_name(path, name):
        if name in top.get(path, {}):
            return ("def", {"key": f"{path}#{name}", "path": path, "line": top[path][name]})
        bound = bindings.get(path, {}).get(name)
        if not bound:
            return None
        if bound[0] == "module":
            return ("module", bound[1])
        if f"{bound[1]}.{bound[2]}" in modules:
            return ("module", f"{bound[1]}.{bound[2]}")
        found = definition(bound[1], bound[2])
        return ("def", found) if found else None

    uses = {}
    for path in request["usesIn"]:
        tree = trees.get(path)
        by_line = {}
        uses[path] = by_line
        if tree is None:
            continue

        def add(line, use):
            by_line.setdefault(str(line), []).append(use)

        def walk(node, local, cls):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                local = local | local_names(node)
            if isinstance(node, ast.ClassDef):
                cls = node.name
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in local:
                found = resolve_name(path, node.id)
                if found and found[0] == "def":
                    add(node.lineno, found[1])
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                chain = attribute_chain(node)
                if chain:
                    base, attrs = chain[0], chain[1:]
                    if base in ("self", "cls") and cls and len(attrs) >= 1:
                        own = classes.get(path, {}).get(cls, {})
                        if attrs[0] in own and len(attrs) == 1:
                            add(node.end_lineno, {"key": f"{path}#{attrs[0]}", "path": path, "line": own[attrs[0]]})
                    elif base not in local:
                        found = resolve_name(path, base)
                        if found and found[0] == "module":
                            module = found[1]
                            for index, attr in enumerate(attrs):
                                if f"{module}.{attr}" in modules and index < len(attrs) - 1:
                                    module = f"{module}.{attr}"
                                    continue
                                if index == len(attrs) - 1:
                                    hit = definition(module, attr)
                                    if hit:
                                        add(node.end_lineno, hit)
                                break
            for child in ast.iter_child_nodes(node):
                walk(child, local, cls)

        walk(tree, frozenset(), None)
    json.dump({"declared": declared, "uses": uses}, sys.stdout)


def defined_names(node):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [(node.name, node.lineno)]
    if isinstance(node, ast.Assign):
        return [(t.id, node.lineno) for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [(node.target.id, node.lineno)]
    return []


def import_bindings(tree, module, path, modules):
    """Names the file's imports bind (anywhere in the file): name -> ("module", m) or ("from", m, n)."""
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    out[alias.asname] = ("module", alias.name)
                else:
                    out[alias.name.split(".")[0]] = ("module", alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join([p for p in parts + ([node.module] if node.module else []) if p])
            for alias in node.names:
                if alias.name != "*":
                    out[alias.asname or alias.name] = ("from", base, alias.name)
    return out


def local_names(function):
    names = set()
    args = function.args
    for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
        if arg is not None:
            names.add(arg.arg)
    if isinstance(function, ast.Lambda):
        return frozenset(names)
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not function:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.difference_update(node.names)
    return frozenset(names)


def attribute_chain(node):
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id] + attrs[::-1]


main()
