// Longer than 300 lines on purpose: this is data, one table per language (11 languages plus TSX)
// kept side by side so that a rule can be compared across languages; a test checks every node
// type named here against its grammar.
import type { Node } from "web-tree-sitter";
import type { SourceLanguage } from "./language-for-path.ts";
import {
  calleeNames,
  declaratorName,
  declaratorOwner,
  fieldName,
  identifiersInField,
  lastName,
  ownText,
  typedefNames,
} from "./syntax-names.ts";

export type DefinitionKind = "function" | "method" | "class" | "interface" | "type";

/** How to recognise one kind of definition node and read its name. */
export type DefinitionRule = {
  /** What it defines. A "function" found inside a class-like definition is reported as a "method". */
  kind: DefinitionKind | ((node: Node) => DefinitionKind);
  /** The names it defines, [] when anonymous. Default: the `name` field. */
  names?: (node: Node) => string[];
  /** The type it belongs to although declared outside it (Go receivers, C++ `Foo::bar`). */
  owner?: (node: Node) => string | null;
  /** Field holding its body: the signature ends where the body starts. Default "body". */
  body?: string;
  /** Its body holds member definitions (methods, nested types) to split along when it is too large. */
  members?: boolean;
  /** Its names only qualify its members: a Rust `impl Key` defines `Key.as_str`, not `Key`. */
  qualifiesOnly?: boolean;
  /** Only nodes that pass are definitions (`const f = () => {}` is one, `const x = 1` is not). */
  when?: (node: Node) => boolean;
};

/**
 * Everything language-specific about chunking, as data. Node types are the grammar's own names;
 * a test checks that each one exists in the grammar, so a typo cannot silently disable a rule.
 */
export type SyntaxRules = {
  /** `tree-sitter-<grammar>.wasm` in @repomix/tree-sitter-wasms. */
  grammar: string;
  definitions: ReadonlyMap<string, DefinitionRule>;
  /** Nodes that wrap one definition and belong to its chunk (`export`, decorators, `template<>`). */
  wrappers: ReadonlySet<string>;
  /** Nodes that hold definitions but are not chunks themselves (namespaces, `#ifdef`, ERROR). */
  containers: ReadonlySet<string>;
  /** Comments and attributes that join the definition directly below them (no blank line between). */
  trivia: ReadonlySet<string>;
  /** Node types whose names count as references, and how to read those names. */
  references: ReadonlyMap<string, (node: Node) => string[]>;
  /** Keywords and builtins that are never worth reporting as references. */
  ignoredReferences: ReadonlySet<string>;
};

/** `words("a b")` is `["a", "b"]`: keeps long lists of names readable. */
function words(list: string): string[] {
  return list.split(/\s+/).filter((word) => word !== "");
}

type RulesSource = {
  grammar: string;
  definitions: Record<string, DefinitionRule>;
  wrappers?: string[];
  containers?: string[];
  trivia: string[];
  references: Record<string, (node: Node) => string[]>;
  ignoredReferences: string[];
};

/** Maps, not objects, so that a node type called `constructor` never finds Object.prototype. */
function rules(source: RulesSource): SyntaxRules {
  return {
    grammar: source.grammar,
    definitions: new Map(Object.entries(source.definitions)),
    wrappers: new Set(source.wrappers ?? []),
    containers: new Set(["ERROR", ...(source.containers ?? [])]),
    trivia: new Set(source.trivia),
    references: new Map(Object.entries(source.references)),
    ignoredReferences: new Set(source.ignoredReferences),
  };
}

// --- JavaScript and TypeScript ---------------------------------------------------------------

const functionValues: ReadonlySet<string> = new Set([
  "arrow_function",
  "function_expression",
  "generator_function",
  "class",
]);

function isFunctionValue(node: Node | null): boolean {
  return node !== null && functionValues.has(node.type);
}

/** `const f = () => {}`: exactly one declarator, whose value is a function or class. */
function soleDeclarator(node: Node): Node | null {
  const declarators = node.namedChildren.filter((child) => child?.type === "variable_declarator");
  return declarators.length === 1 ? declarators[0]! : null;
}

const declaresFunction = (node: Node): boolean =>
  isFunctionValue(soleDeclarator(node)?.childForFieldName("value") ?? null);

const declaredKind = (node: Node): DefinitionKind =>
  soleDeclarator(node)?.childForFieldName("value")?.type === "class" ? "class" : "function";

const declaredName = (node: Node): string[] => {
  const name = soleDeclarator(node)?.childForFieldName("name");
  return name?.type === "identifier" ? [name.text] : [];
};

/** `Foo.prototype.bar = function () {}` and `exports.run = async () => {}`. */
function assignedFunction(node: Node): Node | null {
  const assignment = node.namedChild(0);
  if (assignment?.type !== "assignment_expression") return null;
  return isFunctionValue(assignment.childForFieldName("right")) ? assignment : null;
}

const moduleObjects: ReadonlySet<string> = new Set([
  "module",
  "exports",
  "this",
  "window",
  "globalThis",
]);

function assignedName(node: Node): string[] {
  const assignment = assignedFunction(node);
  const left = assignment?.childForFieldName("left");
  if (left === null || left === undefined) return [];
  const name = lastName(left);
  if (name !== null && !moduleObjects.has(name)) return [name];
  // `module.exports = function parse() {}` defines `parse`, if anything.
  const own = assignment?.childForFieldName("right")?.childForFieldName("name");
  return own === null || own === undefined ? [] : [own.text];
}

function assignedOwner(node: Node): string | null {
  const object = assignedFunction(node)?.childForFieldName("left")?.childForFieldName("object");
  if (object === null || object === undefined) return null;
  if (
    object.type === "member_expression" &&
    object.childForFieldName("property")?.text === "prototype"
  ) {
    const type = object.childForFieldName("object");
    return type === null ? null : lastName(type);
  }
  return object.type === "identifier" && !moduleObjects.has(object.text) ? object.text : null;
}

const fieldHoldsFunction = (node: Node): boolean =>
  isFunctionValue(node.childForFieldName("value"));

/** `<Button />` refers to a component; `<div>` is markup. */
function componentName(node: Node): string[] {
  const name = node.childForFieldName("name");
  const text = name === null ? null : lastName(name);
  return text !== null && /^[A-Z]/.test(text) ? [text] : [];
}

const javascriptSource: RulesSource = {
  grammar: "javascript",
  definitions: {
    function_declaration: { kind: "function" },
    generator_function_declaration: { kind: "function" },
    class_declaration: { kind: "class", members: true },
    // Reached only through `export default`: a bare expression is never a definition.
    class: { kind: "class", members: true },
    function_expression: { kind: "function" },
    arrow_function: { kind: "function", names: () => [] },
    method_definition: { kind: "method" },
    field_definition: { kind: "method", names: fieldName("property"), when: fieldHoldsFunction },
    lexical_declaration: { kind: declaredKind, names: declaredName, when: declaresFunction },
    variable_declaration: { kind: declaredKind, names: declaredName, when: declaresFunction },
    expression_statement: {
      kind: "function",
      names: assignedName,
      owner: assignedOwner,
      when: (node) => assignedFunction(node) !== null,
    },
  },
  wrappers: ["export_statement"],
  trivia: ["comment", "decorator"],
  references: {
    call_expression: calleeNames("function"),
    new_expression: calleeNames("constructor"),
    import_clause: identifiersInField(null),
    class_heritage: identifiersInField(null),
  },
  ignoredReferences: words("require console this super undefined Object Array JSON"),
};

/** JSX exists in the javascript and tsx grammars, not in typescript's. */
const jsxReferences = {
  jsx_opening_element: componentName,
  jsx_self_closing_element: componentName,
};

// TypeScript names a class field `public_field_definition`; JavaScript's `field_definition` is not in its grammar.
const { field_definition: _javascriptField, ...sharedDefinitions } = javascriptSource.definitions;

const typescriptSource: RulesSource = {
  grammar: "typescript",
  definitions: {
    ...sharedDefinitions,
    public_field_definition: { kind: "method", when: fieldHoldsFunction },
    function_signature: { kind: "function" },
    abstract_class_declaration: { kind: "class", members: true },
    interface_declaration: { kind: "interface", members: true },
    type_alias_declaration: { kind: "type", body: "value" },
    enum_declaration: { kind: "type" },
    method_signature: { kind: "method" },
    abstract_method_signature: { kind: "method" },
  },
  wrappers: ["export_statement"],
  containers: ["internal_module", "module", "ambient_declaration", "statement_block"],
  trivia: ["comment", "decorator"],
  references: { ...javascriptSource.references, type_identifier: ownText },
  ignoredReferences: [
    ...javascriptSource.ignoredReferences,
    ...words("Promise Record Partial Readonly ReadonlyArray"),
  ],
};

// --- Python ---------------------------------------------------------------------------------

const python = rules({
  grammar: "python",
  definitions: {
    function_definition: { kind: "function" },
    class_definition: { kind: "class", members: true },
  },
  wrappers: ["decorated_definition"],
  trivia: ["comment"],
  references: {
    call: calleeNames("function"),
    class_definition: identifiersInField("superclasses"),
    import_statement: identifiersInField(null),
    import_from_statement: identifiersInField(null),
    type: identifiersInField(null),
    decorator: (node) => {
      const expression = node.namedChild(0);
      const name = expression === null ? null : lastName(expression);
      return name === null ? [] : [name];
    },
  },
  ignoredReferences: words(
    "self cls print len str int float bool list dict set tuple range isinstance super object type enumerate zip map filter open repr getattr setattr hasattr iter next min max sorted any all sum abs None True False",
  ),
});

// --- Go -------------------------------------------------------------------------------------

const typeSpecs = (node: Node): Node[] =>
  node.namedChildren.filter(
    (child): child is Node => child?.type === "type_spec" || child?.type === "type_alias",
  );

const go = rules({
  grammar: "go",
  definitions: {
    function_declaration: { kind: "function" },
    method_declaration: {
      kind: "method",
      owner: (node) => {
        const receiver = node.childForFieldName("receiver");
        return receiver?.descendantsOfType("type_identifier")[0]?.text ?? null;
      },
    },
    type_declaration: {
      kind: (node) => {
        const specs = typeSpecs(node);
        return specs.length === 1 && specs[0]!.childForFieldName("type")?.type === "interface_type"
          ? "interface"
          : "type";
      },
      names: (node) => typeSpecs(node).flatMap((spec) => fieldName("name")(spec)),
    },
  },
  trivia: ["comment"],
  references: {
    call_expression: calleeNames("function"),
    type_identifier: ownText,
    // `import "encoding/json"` refers to the package by its last path segment.
    import_spec: (node) => {
      const path = node.childForFieldName("path")?.text.replace(/^["`]|["`]$/g, "") ?? "";
      const name = node.childForFieldName("name")?.text ?? path.split("/").at(-1) ?? "";
      return name === "" || name === "_" || name === "." ? [] : [name];
    },
  },
  ignoredReferences: words(
    "make len append cap new panic recover print println copy delete close string int int64 int32 uint uint64 uint32 uint8 float64 float32 bool byte rune error any nil iota min max clear",
  ),
});

// --- Java -----------------------------------------------------------------------------------

const java = rules({
  grammar: "java",
  definitions: {
    class_declaration: { kind: "class", members: true },
    enum_declaration: { kind: "class", members: true },
    record_declaration: { kind: "class", members: true },
    interface_declaration: { kind: "interface", members: true },
    annotation_type_declaration: { kind: "interface", members: true },
    method_declaration: { kind: "method" },
    constructor_declaration: { kind: "method" },
    compact_constructor_declaration: { kind: "method" },
  },
  containers: ["enum_body_declarations"],
  trivia: ["line_comment", "block_comment"],
  references: {
    method_invocation: calleeNames("object", "name"),
    type_identifier: ownText,
    import_declaration: identifiersInField(null, true),
  },
  ignoredReferences: words(
    "String Object System println print Integer Long Boolean Double Float Character Byte Short Math var",
  ),
});

// --- Rust -----------------------------------------------------------------------------------

const rust = rules({
  grammar: "rust",
  definitions: {
    function_item: { kind: "function" },
    function_signature_item: { kind: "function" },
    struct_item: { kind: "type" },
    enum_item: { kind: "type" },
    union_item: { kind: "type" },
    type_item: { kind: "type", body: "type" },
    trait_item: { kind: "interface", members: true },
    impl_item: { kind: "class", names: fieldName("type"), members: true, qualifiesOnly: true },
    macro_definition: { kind: "function" },
  },
  containers: ["mod_item", "declaration_list"],
  trivia: ["line_comment", "block_comment", "attribute_item"],
  references: {
    call_expression: calleeNames("function"),
    macro_invocation: calleeNames("macro"),
    type_identifier: ownText,
    use_declaration: identifiersInField("argument", true),
  },
  ignoredReferences: words(
    "Self self super crate Some None Ok Err Vec String Box Option Result println print eprintln format vec assert assert_eq assert_ne panic write writeln debug_assert unreachable todo unimplemented matches",
  ),
});

// --- Ruby -----------------------------------------------------------------------------------

const ruby = rules({
  grammar: "ruby",
  definitions: {
    method: { kind: "function" },
    singleton_method: { kind: "function" },
    class: { kind: "class", members: true },
  },
  // Modules are namespaces here, like C# or C++ namespaces: what they hold is chunked on its own.
  containers: ["module", "singleton_class", "body_statement"],
  trivia: ["comment"],
  references: {
    call: calleeNames("receiver", "method"),
    constant: ownText,
  },
  ignoredReferences: words(
    "puts print require require_relative include extend attr_reader attr_writer attr_accessor raise new private public protected lambda proc self nil",
  ),
});

// --- C and C++ ------------------------------------------------------------------------------

const hasBody = (node: Node): boolean => node.childForFieldName("body") !== null;

const cSource: RulesSource = {
  grammar: "c",
  definitions: {
    function_definition: { kind: "function", names: declaratorName },
    struct_specifier: { kind: "type", when: hasBody },
    union_specifier: { kind: "type", when: hasBody },
    enum_specifier: { kind: "type", when: hasBody },
    type_definition: { kind: "type", names: typedefNames },
    preproc_function_def: { kind: "function", body: "value" },
  },
  // `extern "C" {` (under `#ifdef __cplusplus`) wraps whole headers, and parses in C too.
  containers: [
    "preproc_if",
    "preproc_ifdef",
    "preproc_else",
    "preproc_elif",
    "preproc_elifdef",
    "linkage_specification",
    "declaration_list",
  ],
  trivia: ["comment"],
  references: {
    call_expression: calleeNames("function"),
    type_identifier: ownText,
  },
  ignoredReferences: words(
    "printf fprintf sprintf snprintf malloc calloc realloc free memcpy memmove memset strlen strcmp assert NULL",
  ),
};
const c = rules(cSource);

const cpp = rules({
  ...cSource,
  grammar: "cpp",
  definitions: {
    ...cSource.definitions,
    function_definition: { kind: "function", names: declaratorName, owner: declaratorOwner },
    class_specifier: { kind: "class", members: true, when: hasBody },
    struct_specifier: { kind: "class", members: true, when: hasBody },
    union_specifier: { kind: "class", members: true, when: hasBody },
    alias_declaration: { kind: "type", body: "type" },
    concept_definition: { kind: "type" },
  },
  wrappers: ["template_declaration"],
  containers: [...(cSource.containers ?? []), "namespace_definition"],
  ignoredReferences: [...cSource.ignoredReferences, ...words("std cout cerr endl move forward")],
});

// --- C# -------------------------------------------------------------------------------------

const cSharp = rules({
  grammar: "c_sharp",
  definitions: {
    class_declaration: { kind: "class", members: true },
    struct_declaration: { kind: "class", members: true },
    record_declaration: { kind: "class", members: true },
    interface_declaration: { kind: "interface", members: true },
    enum_declaration: { kind: "type" },
    delegate_declaration: { kind: "type" },
    method_declaration: { kind: "method" },
    constructor_declaration: { kind: "method" },
    destructor_declaration: { kind: "method" },
    operator_declaration: { kind: "method" },
    conversion_operator_declaration: { kind: "method" },
  },
  containers: ["namespace_declaration", "declaration_list"],
  trivia: ["comment"],
  // C# has no type_identifier: a type is an identifier in a type position, so list the positions.
  references: {
    invocation_expression: calleeNames("function"),
    object_creation_expression: identifiersInField("type", true),
    variable_declaration: identifiersInField("type", true),
    parameter: identifiersInField("type", true),
    method_declaration: identifiersInField("returns", true),
    property_declaration: identifiersInField("type", true),
    cast_expression: identifiersInField("type", true),
    foreach_statement: identifiersInField("type", true),
    type_argument_list: identifiersInField(null, true),
    base_list: identifiersInField(null, true),
    attribute: identifiersInField("name"),
    using_directive: identifiersInField(null, true),
  },
  ignoredReferences: words("var nameof String Object Console WriteLine"),
});

// --- PHP ------------------------------------------------------------------------------------

const php = rules({
  grammar: "php",
  definitions: {
    function_definition: { kind: "function" },
    method_declaration: { kind: "method" },
    class_declaration: { kind: "class", members: true },
    trait_declaration: { kind: "class", members: true },
    enum_declaration: { kind: "class", members: true },
    interface_declaration: { kind: "interface", members: true },
  },
  containers: ["namespace_definition", "compound_statement"],
  trivia: ["comment"],
  references: {
    function_call_expression: calleeNames("function"),
    member_call_expression: calleeNames("name"),
    nullsafe_member_call_expression: calleeNames("name"),
    scoped_call_expression: calleeNames("scope", "name"),
    object_creation_expression: (node) => {
      const type = node.namedChildren.find(
        (child) => child?.type === "name" || child?.type === "qualified_name",
      );
      const name = type === undefined || type === null ? null : lastName(type);
      return name === null ? [] : [name];
    },
    named_type: identifiersInField(null),
    base_clause: identifiersInField(null),
    class_interface_clause: identifiersInField(null),
    namespace_use_clause: identifiersInField(null),
  },
  ignoredReferences: words(
    "self parent static array isset unset empty count strlen sprintf printf echo print",
  ),
});

/** The rules for each language `languageForPath` can return. */
export const syntaxRules: Readonly<Record<SourceLanguage, SyntaxRules>> = {
  javascript: rules({
    ...javascriptSource,
    references: { ...javascriptSource.references, ...jsxReferences },
  }),
  typescript: rules(typescriptSource),
  tsx: rules({
    ...typescriptSource,
    grammar: "tsx",
    references: { ...typescriptSource.references, ...jsxReferences },
  }),
  python,
  go,
  java,
  rust,
  ruby,
  c,
  cpp,
  c_sharp: cSharp,
  php,
};
