import type { FileDiff } from "../diff/format-diff.ts";
import type { ImportedName } from "../code-index/imported-name.ts";

/**
 * Where the diff uses a name: `SomeType` alone, or qualified by what precedes its dot
 * (`core.SomeType` has qualifier `core`). `path` is the file's new path, `line` its new-side line
 * (old-side for a deleted line).
 */
export type NameUse = { name: string; qualifier: string | null; path: string; line: number };

/** What retrieval needs to know about a diff. */
export type DiffNames = {
  /** Identifiers the changed lines use, most frequent first. */
  used: string[];
  /** The first use of each name (and each `qualifier.name`) per file, in diff order. */
  uses: NameUse[];
  /** New paths of the files the diff adds or modifies. */
  changedPaths: Set<string>;
  /**
   * Imports written on added lines, per new path: the index does not hold them yet. One-line
   * TypeScript/JavaScript `import ... from "x"` and Python `from x import a, b as c`.
   */
  addedImports: Map<string, ImportedName[]>;
  /** Names the changed lines declare (functions, classes, types, methods, constants). */
  declared: string[];
  /** Per path, the old-side line ranges the diff shows (1-based, inclusive). */
  shownRanges: Map<string, [number, number][]>;
  /** Paths whose whole old content the diff shows (removed files). */
  removedPaths: Set<string>;
  /** The changed lines' text, for similarity search. */
  changedText: string;
};

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;
/** `core.SomeType`, `$.ajax`: an identifier, a dot, an identifier (no space, no call result). */
const QUALIFIED = /(?<![\w$.])([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)/g;
const DECLARATION =
  /\b(?:function\*?|class|interface|type|enum|def|fn|func|struct|trait|module|const|let|var|impl)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][A-Za-z0-9_$]*)/g;
const METHOD =
  /^\s*(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*([A-Za-z_$][A-Za-z0-9_$]*)\s*(?:<[^>]*>)?\([^)]*\)\s*(?::[^={]+)?\{\s*$/;

const SCRIPT_IMPORT =
  /^\s*import\s+(?:type\s+)?(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\*\s*as\s+([A-Za-z_$][\w$]*)|\{([^}]*)\})?\s*from\s*["']([^"']+)["']/;
const PYTHON_IMPORT = /^\s*from\s+([\w.]+)\s+import\s+\(?([\w\s,]+?)\)?\s*$/;

/** The imports one added line writes, or [] (pure). */
function importsOnLine(path: string, text: string, line: number): ImportedName[] {
  const found: ImportedName[] = [];
  const script = path.endsWith(".py") ? null : SCRIPT_IMPORT.exec(text);
  if (script) {
    const [, defaultName, namespace, named, specifier] = script;
    if (defaultName)
      found.push({
        kind: "default",
        importedName: "default",
        localName: defaultName,
        specifier: specifier!,
        line,
      });
    if (namespace)
      found.push({
        kind: "namespace",
        importedName: "*",
        localName: namespace,
        specifier: specifier!,
        line,
      });
    for (const part of named?.split(",") ?? []) {
      const [imported, local] = part
        .replace(/^\s*type\s+/, "")
        .trim()
        .split(/\s+as\s+/);
      if (imported)
        found.push({
          kind: "named",
          importedName: imported,
          localName: local ?? imported,
          specifier: specifier!,
          line,
        });
    }
  }
  const python = path.endsWith(".py") ? PYTHON_IMPORT.exec(text) : null;
  if (python) {
    for (const part of python[2]!.split(",")) {
      const [imported, local] = part.trim().split(/\s+as\s+/);
      if (imported)
        found.push({
          kind: "named",
          importedName: imported,
          localName: local ?? imported,
          specifier: python[1]!,
          line,
        });
    }
  }
  return found;
}

/** Words that are syntax in some language, never names worth looking up. */
const KEYWORDS = new Set(
  `abstract and any as assert async await boolean break byte case catch char class const continue
  def default defer del delete do double elif else enum except export extends false final finally
  float fn for from func function get go if impl implements import in instanceof int interface is
  let long map match mod module mut native new nil none not null number object of or package pass
  private protected pub public raise readonly return self set short static str string struct super
  switch symbol synchronized this throw throws trait true try type typeof undefined unknown use var
  void volatile where while with yield err ctx req res string bool usize isize u8 u16 u32 u64 i32
  i64 f32 f64 todo fixme`.split(/\s+/),
);

/**
 * Reads the names a diff uses and declares, the old-side ranges it shows, and its changed text.
 * Names are identifiers of added and deleted lines (context lines are not the change), without
 * keywords and names shorter than three characters. Pure.
 */
export function readDiffNames(files: FileDiff[]): DiffNames {
  const counts = new Map<string, number>();
  const declared = new Set<string>();
  const shownRanges = new Map<string, [number, number][]>();
  const removedPaths = new Set<string>();
  const changed: string[] = [];
  const uses = new Map<string, NameUse>();
  const changedPaths = new Set<string>();
  const addedImports = new Map<string, ImportedName[]>();
  for (const file of files) {
    const oldPath = file.previousPath ?? file.path;
    if (file.status === "removed") removedPaths.add(oldPath);
    else changedPaths.add(file.path);
    const importLineUses = new Map<string, NameUse>();
    const importedAt = (name: string, qualifier: string | null, line: number) => {
      const key = `${file.path}\0${qualifier ?? ""}\0${name}`;
      if (!importLineUses.has(key))
        importLineUses.set(key, { name, qualifier, path: file.path, line });
    };
    const useAt = (name: string, qualifier: string | null, line: number) => {
      const key = `${file.path}\0${qualifier ?? ""}\0${name}`;
      if (!uses.has(key)) uses.set(key, { name, qualifier, path: file.path, line });
    };
    const ranges: [number, number][] = [];
    for (const hunk of file.hunks) {
      if (hunk.oldLines > 0) ranges.push([hunk.oldStart, hunk.oldStart + hunk.oldLines - 1]);
      for (const line of hunk.lines) {
        if (line.kind === "context") continue;
        changed.push(line.text);
        const lineNumber = (line.kind === "add" ? line.newLine : line.oldLine) ?? 0;
        // An import line names what it imports; a use on a later line is the better pointer, so
        // the import line counts only for names the diff uses nowhere else in the file.
        const imports = importsOnLine(file.path, line.text, lineNumber);
        const use = imports.length > 0 ? importedAt : useAt;
        if (line.kind === "add") {
          if (imports.length > 0)
            addedImports.set(file.path, [...(addedImports.get(file.path) ?? []), ...imports]);
        }
        for (const match of line.text.matchAll(IDENTIFIER)) {
          const name = match[0];
          if (name.length < 3 || KEYWORDS.has(name.toLowerCase())) continue;
          counts.set(name, (counts.get(name) ?? 0) + 1);
          use(name, null, lineNumber);
        }
        for (const match of line.text.matchAll(QUALIFIED)) {
          if (!KEYWORDS.has(match[1]!) && match[1] !== "this")
            use(match[2]!, match[1]!, lineNumber);
        }
        for (const match of line.text.matchAll(DECLARATION)) {
          if (!KEYWORDS.has(match[1]!.toLowerCase())) declared.add(match[1]!);
        }
        const method = METHOD.exec(line.text);
        if (method && !KEYWORDS.has(method[1]!.toLowerCase())) declared.add(method[1]!);
      }
    }
    for (const [key, found] of importLineUses) if (!uses.has(key)) uses.set(key, found);
    shownRanges.set(oldPath, [...(shownRanges.get(oldPath) ?? []), ...ranges]);
  }
  const used = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name]) => name);
  return {
    used,
    uses: [...uses.values()],
    changedPaths,
    addedImports,
    declared: [...declared],
    shownRanges,
    removedPaths,
    changedText: changed.join("\n"),
  };
}
