import type { Node } from "web-tree-sitter";
import type { SourceLanguage } from "./language-for-path.ts";

/** A name a file declares at its top level (or in a namespace), and the 0-based row it is on. */
export type Declaration = { name: string; row: number };

/**
 * The names a file declares that the definition rules of syntax-rules.ts do not make chunks of:
 * `const`/`let`/`var` declarations whatever their value (`export const cache = createCache()`),
 * every declarator of `const a = 1, b = 2`, namespaces, and `default` for an `export default`.
 * TypeScript/JavaScript, Python (module-level assignments) and Go (`const`, `var`). They join the
 * symbols of the chunk holding their row, so the symbol table finds them by name; chunk
 * boundaries do not change. Identifiers keep every character the grammar allows (`$store`). Pure.
 */
export function readDeclarations(root: Node, language: SourceLanguage): Declaration[] {
  const found: Declaration[] = [];
  const add = (node: Node | null | undefined) => {
    if (node && /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(node.text)) {
      found.push({ name: node.text, row: node.startPosition.row });
    }
  };
  const visitScript = (node: Node) => {
    switch (node.type) {
      case "export_statement":
        if (
          node.childForFieldName("value") !== null ||
          node.children.some((c) => c?.type === "default")
        ) {
          found.push({ name: "default", row: node.startPosition.row });
        }
        for (const child of node.namedChildren) if (child) visitScript(child);
        return;
      case "lexical_declaration":
      case "variable_declaration":
        for (const declarator of node.namedChildren) {
          // `const fs = require("fs")` is an import, not a definition.
          if (declarator?.type !== "variable_declarator" || isRequire(declarator)) continue;
          add(declarator.childForFieldName("name"));
        }
        return;
      case "expression_statement":
      case "ambient_declaration":
        for (const child of node.namedChildren) if (child) visitScript(child);
        return;
      case "internal_module":
      case "module": {
        add(node.childForFieldName("name"));
        const body = node.childForFieldName("body");
        for (const child of body?.namedChildren ?? []) if (child) visitScript(child);
        return;
      }
      case "function_declaration":
      case "generator_function_declaration":
      case "class_declaration":
      case "abstract_class_declaration":
      case "interface_declaration":
      case "type_alias_declaration":
      case "enum_declaration":
      case "function_signature":
        add(node.childForFieldName("name"));
        return;
    }
  };
  const visitPython = (node: Node) => {
    if (node.type !== "expression_statement") return;
    const assignment = node.namedChild(0);
    if (
      assignment?.type === "assignment" &&
      assignment.childForFieldName("left")?.type === "identifier"
    ) {
      add(assignment.childForFieldName("left"));
    }
  };
  const visitGo = (node: Node) => {
    if (node.type !== "const_declaration" && node.type !== "var_declaration") return;
    for (const spec of node.descendantsOfType(["const_spec", "var_spec"])) {
      for (const name of spec?.childrenForFieldName("name") ?? []) add(name);
    }
  };
  const visit =
    language === "python"
      ? visitPython
      : language === "go"
        ? visitGo
        : scriptLanguages.has(language)
          ? visitScript
          : null;
  if (visit === null) return [];
  for (const child of root.namedChildren) if (child) visit(child);
  return found;
}

const scriptLanguages: ReadonlySet<SourceLanguage> = new Set([
  "javascript",
  "typescript",
  "tsx",
] as SourceLanguage[]);

/** `require("x")`, `require("x").parse`: the value of an import written as a declaration. */
function isRequire(declarator: Node): boolean {
  let value = declarator.childForFieldName("value");
  while (value?.type === "member_expression") value = value.childForFieldName("object");
  return (
    value?.type === "call_expression" && value.childForFieldName("function")?.text === "require"
  );
}
