import type { Node } from "web-tree-sitter";
import type { SourceLanguage } from "./language-for-path.ts";
import type { ImportKind, ImportedName } from "../code-index/imported-name.ts";

export type { ImportKind, ImportedName };

/**
 * What a file imports and re-exports, read from its syntax tree: TypeScript/JavaScript `import`
 * and `export ... from` (type-only ones too), Python `import` and `from ... import`. Other
 * languages: []. Pure.
 */
export function readImports(root: Node, language: SourceLanguage): ImportedName[] {
  if (language === "python") return readPythonImports(root);
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
