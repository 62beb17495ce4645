import type { Node } from "web-tree-sitter";
import type { SourceLanguage } from "./language-for-path.ts";

/** A name a file declares at its top level (or in a namespace), and the 0-based row it is on. */
export type Declaration = { name: string; row: number };

/**
 * The names a file declares that the definition rules of syntax-rules.ts do not make chunks of:
 * `const`/`let`/`var` declarations whatever their value (`export const cache = createCache()`),
 * every declarator of `const a = 1, b = 2`, namespaces, `default` for an `export default`, and the
 * members of classes, interfaces and top-level object literals, data included (`base_` of
 * `interface State { base_: T }`), by name and as `Owner.name`.
 * TypeScript/JavaScript, Python (module-level assignments) and Go (`const`, `var`). They join the
 * symbols of the chunk holding their row, so the symbol table finds them by name; chunk
 * boundaries do not change. Identifiers keep every character the grammar allows (`$store`). Pure.
 */
export function readDeclarations(root: Node, language: SourceLanguage): Declaration[] {
  const found: Declaration[] = [];
  const add = (node: Node | null | undefined) => {
    if (node && IDENTIFIER.test(node.text)) {
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
          const name = declarator.childForFieldName("name");
          add(name);
          const value = declarator.childForFieldName("value");
          if (value?.type === "object") addMembers(name?.text ?? null, value);
          else if (value?.type === "class")
            addMembers(name?.text ?? null, value.childForFieldName("body"));
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
      case "class_declaration":
      case "abstract_class_declaration":
      case "class":
      case "interface_declaration": {
        const name = node.childForFieldName("name");
        add(name);
        addMembers(name?.text ?? null, node.childForFieldName("body"));
        return;
      }
      case "function_declaration":
      case "generator_function_declaration":
      case "type_alias_declaration":
      case "enum_declaration":
      case "function_signature":
        add(node.childForFieldName("name"));
        return;
    }
  };
  // Data members (`interface State { base_: T }`, `class Store { size = 0 }`, the keys of a
  // top-level object literal) by name and as `Owner.name`: a use such as `state.base_` names one.
  const addMembers = (owner: string | null, body: Node | null) => {
    for (const member of body?.namedChildren ?? []) {
      if (!member || !MEMBER_TYPES.has(member.type)) continue;
      const name =
        member.type === "shorthand_property_identifier"
          ? member
          : (member.childForFieldName("name") ??
            member.childForFieldName("property") ??
            member.childForFieldName("key"));
      // `"routerOptions": ...` declares `routerOptions`.
      const text = name?.type === "string" ? name.text.slice(1, -1) : name?.text;
      if (text === undefined || !IDENTIFIER.test(text)) continue;
      found.push({ name: text, row: member.startPosition.row });
      if (owner !== null && IDENTIFIER.test(owner)) {
        found.push({ name: `${owner}.${text}`, row: member.startPosition.row });
      }
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

/** A name with every character an identifier may hold (`$store`, `base_`, `größe`). */
const IDENTIFIER = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/** Members of a class, interface or object literal body that declare a name. */
const MEMBER_TYPES: ReadonlySet<string> = new Set([
  "property_signature",
  "method_signature",
  "public_field_definition",
  "field_definition",
  "method_definition",
  "pair",
  "shorthand_property_identifier",
]);

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
