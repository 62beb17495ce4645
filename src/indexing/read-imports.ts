import type { Node } from "web-tree-sitter";
import type { SourceLanguage } from "./language-for-path.ts";
import type { ImportKind, ImportedName } from "../code-index/imported-name.ts";

export type { ImportKind, ImportedName };

/**
 * What a file imports and re-exports, read from its syntax tree: TypeScript/JavaScript `import`
 * and `export ... from` (type-only ones too) and top-level CommonJS `require`, Python `import` and `from ... import`, Go `import`
 * (a package, bound as a namespace under its alias or last path segment), Java `import a.b.C`
 * (named `C`), `import a.b.*` (the package, as a namespace without a local name) and
 * `import static a.b.C.m` (named `m` from `a.b.C`). Other languages: []. Pure.
 */
export function readImports(root: Node, language: SourceLanguage): ImportedName[] {
  if (language === "python") return readPythonImports(root);
  if (language === "go") return readGoImports(root);
  if (language === "java") return readJavaImports(root);
  if (language === "typescript" || language === "tsx" || language === "javascript") {
    return readScriptImports(root);
  }
  return [];
}

function stringValue(node: Node | null): string | null {
  if (node === null) return null;
  return node.text.replace(/^["'`]|["'`]$/g, "");
}

function readScriptImports(root: Node): ImportedName[] {
  const found: ImportedName[] = [];
  for (const statement of root.namedChildren) {
    if (statement === null) continue;
    if (statement.type === "lexical_declaration" || statement.type === "variable_declaration") {
      found.push(...readRequires(statement));
      continue;
    }
    const specifier = stringValue(statement.childForFieldName("source"));
    if (specifier === null) continue;
    const line = statement.startPosition.row + 1;
    const add = (kind: ImportKind, importedName: string | null, localName: string | null) =>
      found.push({ kind, importedName, localName, specifier, line });
    if (statement.type === "import_statement") {
      const clause = statement.namedChildren.find((child) => child?.type === "import_clause");
      for (const part of clause?.namedChildren ?? []) {
        if (part?.type === "identifier") add("default", "default", part.text);
        else if (part?.type === "namespace_import")
          add("namespace", "*", part.namedChild(0)?.text ?? null);
        else if (part?.type === "named_imports") {
          for (const spec of part.namedChildren) {
            if (spec?.type !== "import_specifier") continue;
            const name = spec.childForFieldName("name")?.text ?? null;
            add("named", name, spec.childForFieldName("alias")?.text ?? name);
          }
        }
      }
    } else if (statement.type === "export_statement") {
      const clause = statement.namedChildren.find((child) => child?.type === "export_clause");
      const namespace = statement.namedChildren.find((child) => child?.type === "namespace_export");
      if (clause) {
        for (const spec of clause.namedChildren) {
          if (spec?.type !== "export_specifier") continue;
          const name = spec.childForFieldName("name")?.text ?? null;
          add("reexport", name, spec.childForFieldName("alias")?.text ?? name);
        }
      } else if (namespace) {
        add("reexport", "*", namespace.namedChild(0)?.text ?? null);
      } else {
        add("reexport-all", null, null);
      }
    }
  }
  return found;
}

/**
 * CommonJS imports at the top level: `const x = require("./x")` (a namespace: `x.run` is `run` of
 * ./x), `const { a, b: c } = require("./x")` and `const a = require("./x").a` (named).
 */
function readRequires(statement: Node): ImportedName[] {
  const found: ImportedName[] = [];
  const line = statement.startPosition.row + 1;
  for (const declarator of statement.namedChildren) {
    if (declarator?.type !== "variable_declarator") continue;
    const name = declarator.childForFieldName("name");
    let value = declarator.childForFieldName("value");
    let member: string | null = null;
    if (value?.type === "member_expression") {
      member = value.childForFieldName("property")?.text ?? null;
      value = value.childForFieldName("object");
    }
    if (
      value?.type !== "call_expression" ||
      value.childForFieldName("function")?.text !== "require"
    )
      continue;
    const argument = value.childForFieldName("arguments")?.namedChild(0) ?? null;
    if (argument?.type !== "string" || name === null) continue;
    const specifier = stringValue(argument)!;
    const add = (kind: ImportKind, importedName: string, localName: string) =>
      found.push({ kind, importedName, localName, specifier, line });
    if (name.type === "identifier") {
      if (member !== null) add("named", member, name.text);
      else add("namespace", "*", name.text);
    } else if (name.type === "object_pattern" && member === null) {
      for (const part of name.namedChildren) {
        if (part?.type === "shorthand_property_identifier_pattern")
          add("named", part.text, part.text);
        else if (part?.type === "pair_pattern") {
          const key = part.childForFieldName("key")?.text;
          const local = part.childForFieldName("value");
          if (key && local?.type === "identifier") add("named", key, local.text);
        }
      }
    }
  }
  return found;
}

function readPythonImports(root: Node): ImportedName[] {
  const found: ImportedName[] = [];
  for (const statement of root.namedChildren) {
    if (statement === null) continue;
    const line = statement.startPosition.row + 1;
    if (statement.type === "import_statement") {
      for (const name of statement.childrenForFieldName("name")) {
        if (name === null) continue;
        const dotted = name.type === "aliased_import" ? name.childForFieldName("name") : name;
        const alias = name.type === "aliased_import" ? name.childForFieldName("alias")?.text : null;
        const specifier = dotted?.text ?? "";
        // `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
        found.push({
          kind: "namespace",
          importedName: "*",
          localName: alias ?? specifier.split(".")[0]!,
          specifier: alias ? specifier : specifier.split(".")[0]!,
          line,
        });
      }
    } else if (statement.type === "import_from_statement") {
      const specifier = statement.childForFieldName("module_name")?.text ?? "";
      for (const name of statement.childrenForFieldName("name")) {
        if (name === null) continue;
        const imported = name.type === "aliased_import" ? name.childForFieldName("name") : name;
        const alias = name.type === "aliased_import" ? name.childForFieldName("alias")?.text : null;
        const importedName = imported?.text ?? "";
        found.push({
          kind: "named",
          importedName,
          localName: alias ?? importedName,
          specifier,
          line,
        });
      }
    }
  }
  return found;
}

function readGoImports(root: Node): ImportedName[] {
  const found: ImportedName[] = [];
  for (const declaration of root.namedChildren) {
    if (declaration?.type !== "import_declaration") continue;
    const specs = declaration.descendantsOfType("import_spec");
    for (const spec of specs) {
      if (spec === null) continue;
      const specifier = stringValue(spec.childForFieldName("path"));
      if (!specifier) continue;
      const alias = spec.childForFieldName("name");
      // `import _ "x"` binds nothing; `import . "x"` binds every name unqualified.
      if (alias?.type === "blank_identifier") continue;
      const localName =
        alias?.type === "dot" ? null : (alias?.text ?? specifier.split("/").pop() ?? null);
      found.push({
        kind: "namespace",
        importedName: "*",
        localName,
        specifier,
        line: spec.startPosition.row + 1,
      });
    }
  }
  return found;
}

function readJavaImports(root: Node): ImportedName[] {
  const found: ImportedName[] = [];
  for (const declaration of root.namedChildren) {
    if (declaration?.type !== "import_declaration") continue;
    const dotted = declaration.namedChildren.find(
      (child) => child?.type === "scoped_identifier" || child?.type === "identifier",
    );
    if (!dotted) continue;
    const line = declaration.startPosition.row + 1;
    const wildcard = declaration.namedChildren.some((child) => child?.type === "asterisk");
    const isStatic = declaration.children.some((child) => child?.type === "static");
    if (wildcard) {
      found.push({
        kind: "namespace",
        importedName: "*",
        localName: null,
        specifier: `${dotted.text}.*`,
        line,
      });
      continue;
    }
    const parts = dotted.text.split(".");
    const name = parts.at(-1)!;
    // `import static a.b.C.m`: the member `m` of the class in a/b/C.java.
    const specifier = isStatic ? parts.slice(0, -1).join(".") : dotted.text;
    found.push({ kind: "named", importedName: name, localName: name, specifier, line });
  }
  return found;
}
