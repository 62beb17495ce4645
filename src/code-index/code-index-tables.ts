import type { ColumnType, Generated, Kysely } from "kysely";
import type { Database } from "../db/open-database.ts";
import type { ImportKind } from "./imported-name.ts";

type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** What one index run skipped, by reason: `{ binary: 3, "over the size cap": 1 }`. */
export type SkipCounts = Record<string, number>;

export interface CodeIndexTable {
  repository_id: number;
  installation_id: number;
  /** The commit last indexed (the default branch's head). */
  commit_sha: string | null;
  embedding_model: string;
  dimensions: number;
  files: Generated<number>;
  chunks: Generated<number>;
  skipped: ColumnType<SkipCounts, string, string>;
  indexed_at: CreatedAt;
}

export interface CodeFileTable {
  installation_id: number;
  repository_id: number;
  path: string;
  /** sha256 of the file's bytes. */
  content_hash: string;
  bytes: number;
  chunks: number;
}

export interface CodeChunkTable {
  id: Generated<number>;
  installation_id: number;
  repository_id: number;
  path: string;
  start_line: number;
  end_line: number;
  kind: string;
  language: string | null;
  content: string;
  content_hash: string;
  symbols: string[];
  search_text: string;
  search_vector: ColumnType<string, never, never>;
  embedding_model: string;
  // Vectors travel as pgvector's text form ("[0.1,0.2]") on both backends: written with
  // pgvector's toSql, read back with its fromSql (no type parser is registered, so PGlite and the
  // server return the same string).
  embedding_384: string | null;
  embedding_768: string | null;
  embedding_1024: string | null;
  embedding_1536: string | null;
}

export interface CodeSymbolTable {
  chunk_id: number;
  installation_id: number;
  repository_id: number;
  name: string;
  role: "definition" | "reference";
}

export interface CodeImportTable {
  id: Generated<number>;
  installation_id: number;
  repository_id: number;
  /** The importing file. */
  path: string;
  line: number;
  kind: ImportKind;
  imported_name: string | null;
  local_name: string | null;
  specifier: string;
  /** The repository file the specifier resolves to; null outside the repository. */
  target_path: string | null;
}

export type CodeIndexSchema = {
  code_indexes: CodeIndexTable;
  code_files: CodeFileTable;
  code_chunks: CodeChunkTable;
  code_symbols: CodeSymbolTable;
  code_imports: CodeImportTable;
};

export type CodeIndexDatabase = Kysely<CodeIndexSchema>;

/** The sizes a vector column exists for (migration 20261127T0600_code_index). */
export const SUPPORTED_DIMENSIONS = [384, 768, 1024, 1536] as const;

export type EmbeddingColumn =
  "embedding_384" | "embedding_768" | "embedding_1024" | "embedding_1536";

/**
 * The column that holds vectors of `dimensions`. Throws a RangeError naming the supported sizes
 * for any other size (an embedding model the schema has no HNSW index for).
 */
export function embeddingColumn(dimensions: number): EmbeddingColumn {
  if (!(SUPPORTED_DIMENSIONS as readonly number[]).includes(dimensions)) {
    throw new RangeError(
      `Embeddings of ${dimensions} dimensions are not supported; choose a model with ${SUPPORTED_DIMENSIONS.join(", ")} dimensions.`,
    );
  }
  return `embedding_${dimensions}` as EmbeddingColumn;
}

/** The application database seen with the code index tables (kept out of the shared schema file). */
export function codeIndexDatabase(db: Database | CodeIndexDatabase): CodeIndexDatabase {
  return (db as Kysely<object>).withTables<CodeIndexSchema>() as unknown as CodeIndexDatabase;
}
