import { createHash } from "node:crypto";
import { chunkLineWindows } from "./chunk-line-windows.ts";
import { chunkSyntaxTree, type ChunkSpan } from "./chunk-syntax-tree.ts";
import { indexReferences, type ReferenceIndex } from "./index-references.ts";
import { languageForPath, type SourceLanguage } from "./language-for-path.ts";
import { loadParser } from "./load-parser.ts";
import { readDeclarations, type Declaration } from "./read-declarations.ts";
import { readImports, type ImportedName } from "./read-imports.ts";
import { syntaxRules } from "./syntax-rules.ts";
import type { Chunk } from "../code-index/chunk.ts";

export { languageForPath };
export type { Chunk, ChunkKind } from "../code-index/chunk.ts";
export type { ImportedName } from "./read-imports.ts";

/** A file's chunks and what it imports (read from the same parse). */
export type SourceFile = { chunks: Chunk[]; imports: ImportedName[] };

export type ChunkOptions = {
  /** The longest chunk cut along syntax, in lines (prefix not counted). Default 120. */
  maxChunkLines?: number;
  /** Lines per window when the file cannot be cut along syntax. Default 60. */
  windowLines?: number;
  /** Lines each window shares with the previous one. Default 10. */
  windowOverlap?: number;
};

type Settings = Required<ChunkOptions>;

/**
 * Cuts a source file into chunks for retrieval, along its syntax where we have a grammar for its
 * language (see src/indexing/README.md), and into overlapping line windows otherwise, or when the
 * parse is too broken to find any definition.
 *
 * Guarantees: chunks come in file order; every non-blank line is in at least one chunk (exactly
 * one unless the chunks are windows); whitespace-only content and content containing NUL bytes
 * (binary) give []. It never throws because of the content; it throws a RangeError for invalid
 * options, and an Error when the tree-sitter runtime or a grammar cannot be loaded (a broken
 * install). Pure apart from loading grammars once per process.
 */
export async function chunkSource(
  path: string,
  content: string,
  options: ChunkOptions = {},
): Promise<Chunk[]> {
  return (await readSourceFile(path, content, options)).chunks;
}

/**
 * `chunkSource`, plus the names the file imports and re-exports (read-imports.ts) from the same
 * parse, so indexing parses each file once. Same guarantees and errors as `chunkSource`; a file
 * cut into windows has no imports.
 */
export async function readSourceFile(
  path: string,
  content: string,
  options: ChunkOptions = {},
): Promise<SourceFile> {
  const settings = validate(options);
  const none: SourceFile = { chunks: [], imports: [] };
  if (content.includes("\0")) return none;
  const text = content.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const lines = text.split("\n");
  if (lines.every((line) => line.trim() === "")) return none;

  const language = languageForPath(path);
  const toChunk = (
    span: ChunkSpan,
    references: ReferenceIndex | null,
    declarations: readonly Declaration[] = [],
  ): Chunk => {
    const declared = declarations
      .filter(({ row }) => row >= span.startRow && row <= span.endRow)
      .map(({ name }) => name);
    const symbols = [...new Set([...span.symbols, ...declared])];
    const body = lines.slice(span.startRow, span.endRow + 1);
    const chunkContent = [...span.prefix, ...body].join("\n");
    return {
      path,
      language,
      kind: span.kind,
      startLine: span.startRow + 1,
      endLine: span.endRow + 1,
      content: chunkContent,
      signature: span.signature,
      symbols,
      references: references?.namesIn(span.startRow, span.endRow, symbols) ?? [],
      contentHash: createHash("sha256").update(chunkContent).digest("hex"),
    };
  };

  if (language !== null) {
    const parsed = await chunkAlongSyntax(language, text, lines, settings.maxChunkLines, toChunk);
    if (parsed !== null) return parsed;
  }
  const chunks = chunkLineWindows(lines, settings.windowLines, settings.windowOverlap).map(
    ([startRow, endRow]) =>
      toChunk({ kind: "window", startRow, endRow, prefix: [], signature: null, symbols: [] }, null),
  );
  return { chunks, imports: [] };
}

/** Null when the file should fall back to windows: no usable parse, or a failure while chunking. */
async function chunkAlongSyntax(
  language: SourceLanguage,
  text: string,
  lines: readonly string[],
  maxChunkLines: number,
  toChunk: (
    span: ChunkSpan,
    references: ReferenceIndex,
    declarations: readonly Declaration[],
  ) => Chunk,
): Promise<SourceFile | null> {
  const rules = syntaxRules[language];
  const parser = await loadParser(rules.grammar);
  let tree;
  try {
    tree = parser.parse(text);
  } catch {
    return null;
  }
  if (tree === null) return null;
  try {
    const spans = chunkSyntaxTree(tree, lines, rules, maxChunkLines);
    if (spans === null) return null;
    const references = indexReferences(tree.rootNode, rules);
    const declarations = readDeclarations(tree.rootNode, language);
    return {
      chunks: spans.map((span) => toChunk(span, references, declarations)),
      imports: readImports(tree.rootNode, language),
    };
  } catch {
    // A tree shape the rules did not foresee must not stop indexing: windows still work.
    return null;
  } finally {
    tree.delete();
  }
}

function validate(options: ChunkOptions): Settings {
  const settings: Settings = {
    maxChunkLines: options.maxChunkLines ?? 120,
    windowLines: options.windowLines ?? 60,
    windowOverlap: options.windowOverlap ?? 10,
  };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < (name === "windowOverlap" ? 0 : 1)) {
      throw new RangeError(
        `chunkSource: ${name} must be a whole number >= ${name === "windowOverlap" ? 0 : 1}, got ${value}`,
      );
    }
  }
  if (settings.windowOverlap >= settings.windowLines) {
    throw new RangeError(
      `chunkSource: windowOverlap (${settings.windowOverlap}) must be less than windowLines (${settings.windowLines})`,
    );
  }
  return settings;
}
