import type { Node } from "web-tree-sitter";

/**
 * Helpers that read names out of tree-sitter nodes, shared by the per-language tables in
 * `syntax-rules.ts`. They are written against node shapes common to many grammars (fields called
 * `name`, `property`, `declarator`, ...), so a table entry stays one line.
 */

/** Leaf node types that hold a name in at least one of our grammars. */
const identifierTypes: ReadonlySet<string> = new Set([
  "identifier",
  "type_identifier",
  "property_identifier",
  "field_identifier",
  "shorthand_property_identifier",
  "namespace_identifier",
  "package_identifier",
  "constant",
  "name",
]);

/** Fields that hold "the name part" of a compound name, most specific first. */
const nameFields = [
  "name",
  "property",
  "field",
  "attribute",
  "method",
  "function",
  "constructor",
  "type",
] as const;

/** Fields that qualify a name rather than being it (`std` in `std::fmt`, `java.util` in imports). */
const qualifierFields: ReadonlySet<string> = new Set(["path", "scope", "qualifier", "prefix"]);

export function isIdentifier(node: Node): boolean {
  return identifierTypes.has(node.type);
}

/** A node's type-argument or argument list is never its name (`Foo` in `Foo<Bar>`). */
function isArgumentList(node: Node): boolean {
  return node.type.includes("argument") || node.type.includes("parameter");
}

/**
 * The last meaningful name in an expression or declarator: `c` for `a.b.c`, `from_str` for
 * `Key::from_str`, `Foo` for `Foo<Bar>`, the text itself for a leaf. Null when nothing fits.
 */
export function lastName(node: Node): string | null {
  if (node.namedChildCount === 0) return node.text;
  for (const field of nameFields) {
    const child = node.childForFieldName(field);
    if (child !== null) return lastName(child);
  }
  const children = node.namedChildren.filter(
    (child): child is Node => child !== null && !isArgumentList(child),
  );
  const last = children.at(-1);
  return last === undefined ? null : lastName(last);
}

/** Every identifier leaf under `node`, in source order, skipping qualifiers when asked. */
export function identifiersIn(node: Node, skipQualifiers = false): string[] {
  if (node.namedChildCount === 0) return isIdentifier(node) ? [node.text] : [];
  const names: string[] = [];
  for (let index = 0; index < node.childCount; index++) {
    const child = node.child(index);
    if (child === null || !child.isNamed) continue;
    if (skipQualifiers && qualifierFields.has(node.fieldNameForChild(index) ?? "")) continue;
    names.push(...identifiersIn(child, skipQualifiers));
  }
  return names;
}

/** Extracts the defined name(s) from the child in `field`: `fieldName("name")` is the usual rule. */
export function fieldName(field: string): (node: Node) => string[] {
  return (node) => {
    const child = node.childForFieldName(field);
    const name = child === null ? null : lastName(child);
    return name === null ? [] : [name];
  };
}

/** The node's own text is the name (`type_identifier`, Ruby `constant`). */
export function ownText(node: Node): string[] {
  return [node.text];
}

/** Every identifier under the child in `field` (or under the node itself when `field` is null). */
export function identifiersInField(
  field: string | null,
  skipQualifiers = false,
): (node: Node) => string[] {
  return (node) => {
    const child = field === null ? node : node.childForFieldName(field);
    return child === null ? [] : identifiersIn(child, skipQualifiers);
  };
}

const capitalised = /^[A-Z]/;

/** Capitalised identifiers used as qualifiers (`Buffer` in `Buffer.from`), not inside arguments. */
function capitalisedQualifiers(node: Node): string[] {
  if (node.namedChildCount === 0)
    return isIdentifier(node) && capitalised.test(node.text) ? [node.text] : [];
  const names: string[] = [];
  for (const child of node.namedChildren) {
    if (
      child === null ||
      isArgumentList(child) ||
      /function|lambda|block|body|closure/.test(child.type)
    )
      continue;
    names.push(...capitalisedQualifiers(child));
  }
  return names;
}

/**
 * The names a call refers to: the last name of the callee in the last of `fields`
 * (`allocUnsafe` in `Buffer.allocUnsafe(0)`), plus capitalised qualifiers in any of them
 * (`Buffer`), which are usually types or modules. Lower-case receivers (`reader.string()`) are
 * locals far more often than not, so they are left out.
 */
export function calleeNames(...fields: string[]): (node: Node) => string[] {
  return (node) => {
    const names: string[] = [];
    fields.forEach((field, index) => {
      const callee = node.childForFieldName(field);
      if (callee === null) return;
      if (index === fields.length - 1) {
        const name = lastName(callee);
        if (name !== null) names.push(name);
      }
      names.push(...capitalisedQualifiers(callee));
    });
    return names;
  };
}

/** Declarator shapes that end a C/C++ declarator chain with a name. */
const declaratorNameTypes: ReadonlySet<string> = new Set([
  "identifier",
  "field_identifier",
  "type_identifier",
  "qualified_identifier",
  "destructor_name",
  "operator_name",
  "operator_cast",
]);

/** Follows `declarator` fields down to the declared name (`*f(int)` -> `f`). */
function declaratorTarget(node: Node): Node | null {
  let current = node.childForFieldName("declarator");
  while (current !== null && !declaratorNameTypes.has(current.type)) {
    current = current.childForFieldName("declarator");
  }
  return current;
}

/** `Outer::Inner::name` -> the innermost qualified_identifier whose name is not qualified. */
function innermostQualified(node: Node): Node {
  let current = node;
  for (;;) {
    const name = current.childForFieldName("name");
    if (name === null || name.type !== "qualified_identifier") return current;
    current = name;
  }
}

/** The name a C/C++ function or typedef declares, without its class qualifier. */
export function declaratorName(node: Node): string[] {
  const target = declaratorTarget(node);
  if (target === null) return [];
  if (target.type === "operator_cast") {
    const type = target.childForFieldName("type");
    return [type === null ? "operator" : `operator ${type.text}`];
  }
  if (target.type !== "qualified_identifier") return [target.text];
  const name = innermostQualified(target).childForFieldName("name");
  const text =
    name === null ? null : declaratorNameTypes.has(name.type) ? name.text : lastName(name);
  return text === null ? [] : [text];
}

/** The class a C++ method is defined out of line for (`Box` in `void Box<T>::put()`). */
export function declaratorOwner(node: Node): string | null {
  const target = declaratorTarget(node);
  if (target === null || target.type !== "qualified_identifier") return null;
  const scope = innermostQualified(target).childForFieldName("scope");
  return scope === null ? null : lastName(scope);
}

/** The type names a C `typedef` declares (`pair_t` in `typedef struct {...} pair_t;`). */
export function typedefNames(node: Node): string[] {
  return node.childrenForFieldName("declarator").flatMap((declarator) => {
    let current: Node | null = declarator;
    while (current !== null && current.type !== "type_identifier") {
      current = current.childForFieldName("declarator");
    }
    return current === null ? [] : [current.text];
  });
}
