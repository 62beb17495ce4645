/** A piece of a source file as the code index stores it: written by indexing/, read by context/. */
export type ChunkKind =
  "function" | "method" | "class" | "interface" | "type" | "module" | "block" | "window";

export type Chunk = {
  path: string;
  language: string | null;
  kind: ChunkKind;
  /** 1-based, inclusive, in the file as given (a BOM or CRLF line ends do not shift lines). */
  startLine: number;
  endLine: number;
  /**
   * The chunk's lines, preceded for a piece of a split definition by the signatures enclosing it
   * and an indented "..." where lines were skipped (`class Foo {\n  bar(x) {\n    ...\n`), so the
   * piece reads on its own. Line ends are "\n".
   */
  content: string;
  /**
   * The signatures of the definitions the chunk is in or is, outermost first, one or more lines
   * each (`class Foo {\n  bar(x) {`); null for module, block and window chunks.
   */
  signature: string | null;
  /** Names the chunk defines: functions, classes, types; methods both as "Class.method" and "method". */
  symbols: string[];
  /**
   * Names the chunk uses that it does not define: callees, types, imports, base classes. Distinct,
   * in order of first use, without keywords, common builtins and one-character names.
   */
  references: string[];
  /** sha256 (hex) of `content`: the same text in any file or at any line has the same hash. */
  contentHash: string;
};
