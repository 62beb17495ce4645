/** The languages `chunkSource` parses along syntax; each names a tree-sitter grammar. */
export type SourceLanguage =
  | "typescript"
  | "tsx"
  | "javascript"
  | "python"
  | "go"
  | "java"
  | "rust"
  | "ruby"
  | "c"
  | "cpp"
  | "c_sharp"
  | "php";

const languageByExtension: ReadonlyMap<string, SourceLanguage> = new Map(
  Object.entries({
    ts: "typescript",
    mts: "typescript",
    cts: "typescript",
    tsx: "tsx",
    js: "javascript",
    mjs: "javascript",
    cjs: "javascript",
    jsx: "javascript",
    py: "python",
    go: "go",
    java: "java",
    rs: "rust",
    rb: "ruby",
    c: "c",
    h: "c",
    cc: "cpp",
    cpp: "cpp",
    cxx: "cpp",
    hpp: "cpp",
    hh: "cpp",
    hxx: "cpp",
    cs: "c_sharp",
    php: "php",
  } satisfies Record<string, SourceLanguage>),
);

/**
 * The language of a file, judged by its extension alone (case-insensitive), or null when we do
 * not parse it. Declaration files (`.d.ts`) are TypeScript. `.h` is C: a C++ header written as
 * `.h` still parses well enough with the C grammar for chunking.
 */
export function languageForPath(path: string): SourceLanguage | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return null;
  return languageByExtension.get(name.slice(dot + 1).toLowerCase()) ?? null;
}
