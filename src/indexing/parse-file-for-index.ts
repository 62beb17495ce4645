import { searchText } from "../code-index/search-text.ts";
import { chunkSource, readSourceFile, type Chunk, type ImportedName } from "./chunk-source.ts";

/** A file ready to be embedded and written, as one parse gives it. */
export type ParsedFile = {
  chunks: Chunk[];
  imports: ImportedName[];
  /** The full-text search text of each chunk, in order (search-text.ts). */
  searchTexts: string[];
  /** Why the file was cut into line windows because its grammar failed on it; null when it parsed. */
  unparsedBecause: string | null;
  /** Time spent here, in milliseconds. */
  parseMs: number;
};

/**
 * Everything indexing computes from one file's text alone: its chunks and imports
 * (`readSourceFile`) and each chunk's search text. A grammar that fails on the content gives line
 * windows instead (`unparsedBecause` says why), never an error. Pure apart from loading grammars
 * once per thread, so it runs the same on the main thread and in a parse worker (parse-pool.ts).
 * Throws only when no chunks can be made at all (a broken install).
 */
export async function parseFileForIndex(path: string, text: string): Promise<ParsedFile> {
  const started = performance.now();
  let chunks: Chunk[];
  let imports: ImportedName[] = [];
  let unparsedBecause: string | null = null;
  try {
    ({ chunks, imports } = await readSourceFile(path, text));
  } catch (error) {
    unparsedBecause = error instanceof Error ? error.message : String(error);
    chunks = (await chunkSource(`${path}.unparsed`, text)).map((chunk) => ({
      ...chunk,
      path,
      language: null,
    }));
  }
  return {
    chunks,
    imports,
    searchTexts: chunks.map((chunk) => searchText(path, chunk.content)),
    unparsedBecause,
    parseMs: performance.now() - started,
  };
}
