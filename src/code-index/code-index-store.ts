import { sql } from "kysely";
import { fromSql, toSql } from "pgvector/kysely";
import type { Chunk } from "./chunk.ts";
import type { ImportedName } from "./imported-name.ts";
import { embeddingColumn, type CodeIndexDatabase, type SkipCounts } from "./code-index-tables.ts";
import { searchText } from "./search-text.ts";
import { toStorableJson } from "../db/storable-text.ts";

/** A repository's index, as every query is scoped: never one without the other. */
export type RepositoryScope = { installationId: number; repositoryId: number };

/** A file ready to be written: its chunks, one vector per chunk in order, and its imports. */
export type IndexedFile = {
  path: string;
  contentHash: string;
  bytes: number;
  chunks: Chunk[];
  vectors: number[][];
  imports: ImportedName[];
};

/** The index row of a repository, or undefined when it was never indexed. */
export async function readIndexState(db: CodeIndexDatabase, scope: RepositoryScope) {
  return db
    .selectFrom("code_indexes")
    .selectAll()
    .where("installation_id", "=", scope.installationId)
    .where("repository_id", "=", scope.repositoryId)
    .executeTakeFirst();
}

/** path -> content hash of every indexed file of the repository. */
export async function readFileHashes(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom("code_files")
    .select(["path", "content_hash"])
    .where("installation_id", "=", scope.installationId)
    .where("repository_id", "=", scope.repositoryId)
    .execute();
  return new Map(rows.map((row) => [row.path, row.content_hash]));
}

/**
 * The embedding cache: vectors already stored in this installation for these content hashes and
 * this model. Scoped to the installation, so no vector or content crosses tenants.
 */
export async function readCachedVectors(
  db: CodeIndexDatabase,
  installationId: number,
  model: string,
  dimensions: number,
  contentHashes: string[],
): Promise<Map<string, number[]>> {
  if (contentHashes.length === 0) return new Map();
  const column = embeddingColumn(dimensions);
  const rows = await db
    .selectFrom("code_chunks")
    // Cast to text so both backends hand fromSql a string, whatever type parsers a driver has.
    .select(["content_hash", sql<string>`${sql.ref(column)}::text`.as("vector")])
    .distinctOn("content_hash")
    .where("installation_id", "=", installationId)
    .where("embedding_model", "=", model)
    .where("content_hash", "in", contentHashes)
    .where(column, "is not", null)
    .execute();
  // A `vector` column's text form ("[...]") reads as number[] (only sparsevec gives SparseVector).
  return new Map(rows.map((row) => [row.content_hash, fromSql(row.vector) as number[]]));
}

/**
 * Replaces the chunks, symbols, imports and file rows of `files` in one transaction (a file's old chunks go,
 * its new ones come, atomically). Idempotent: writing the same files twice leaves one copy.
 */
export async function writeFiles(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  model: string,
  dimensions: number,
  files: IndexedFile[],
): Promise<void> {
  if (files.length === 0) return;
  const column = embeddingColumn(dimensions);
  await db.transaction().execute(async (trx) => {
    const paths = files.map((file) => file.path);
    await deleteFileRows(trx, scope, paths);
    const rows = files.flatMap((file) =>
      file.chunks.map((chunk, i) => ({
        installation_id: scope.installationId,
        repository_id: scope.repositoryId,
        path: file.path,
        start_line: chunk.startLine,
        end_line: chunk.endLine,
        kind: chunk.kind,
        language: chunk.language,
        content: chunk.content,
        content_hash: chunk.contentHash,
        symbols: chunk.symbols,
        search_text: searchText(file.path, chunk.content),
        embedding_model: model,
        [column]: toSql(file.vectors[i]!),
        _chunk: chunk,
      })),
    );
    for (let start = 0; start < rows.length; start += 500) {
      const slice = rows.slice(start, start + 500);
      const inserted = await trx
        .insertInto("code_chunks")
        .values(slice.map(({ _chunk, ...row }) => row))
        .returning("id")
        .execute();
      const symbols = slice.flatMap(({ _chunk }, i) => {
        const named = (names: string[], role: "definition" | "reference") =>
          [...new Set(names)].map((name) => ({
            name,
            role,
            chunk_id: inserted[i]!.id,
            installation_id: scope.installationId,
            repository_id: scope.repositoryId,
          }));
        return [...named(_chunk.symbols, "definition"), ...named(_chunk.references, "reference")];
      });
      for (let s = 0; s < symbols.length; s += 2000) {
        await trx
          .insertInto("code_symbols")
          .values(symbols.slice(s, s + 2000))
          .execute();
      }
    }
    const imports = files.flatMap((file) =>
      file.imports.map((imported) => ({
        installation_id: scope.installationId,
        repository_id: scope.repositoryId,
        path: file.path,
        line: imported.line,
        kind: imported.kind,
        imported_name: imported.importedName,
        local_name: imported.localName,
        specifier: imported.specifier,
        // Resolved once the run knows every file (resolveImportTargets).
        target_path: null,
      })),
    );
    for (let start = 0; start < imports.length; start += 2000) {
      await trx
        .insertInto("code_imports")
        .values(imports.slice(start, start + 2000))
        .execute();
    }
    await trx
      .insertInto("code_files")
      .values(
        files.map((file) => ({
          installation_id: scope.installationId,
          repository_id: scope.repositoryId,
          path: file.path,
          content_hash: file.contentHash,
          bytes: file.bytes,
          chunks: file.chunks.length,
        })),
      )
      .execute();
  });
}

/** Removes files (their chunks, symbols, imports and file rows) from the index. */
export async function removeFiles(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  paths: string[],
): Promise<void> {
  if (paths.length === 0) return;
  await db.transaction().execute((trx) => deleteFileRows(trx, scope, paths));
}

async function deleteFileRows(db: CodeIndexDatabase, scope: RepositoryScope, paths: string[]) {
  for (let start = 0; start < paths.length; start += 1000) {
    const slice = paths.slice(start, start + 1000);
    // Chunks and imports before the files they belong to.
    for (const table of ["code_chunks", "code_imports", "code_files"] as const) {
      await db
        .deleteFrom(table)
        .where("installation_id", "=", scope.installationId)
        .where("repository_id", "=", scope.repositoryId)
        .where("path", "in", slice)
        .execute();
    }
  }
}

/**
 * Points every import row of the repository at the file `resolve` names for it (null outside the
 * repository), writing only the rows whose target changed: files added or removed by this run can
 * make other files' imports resolve differently. Idempotent.
 */
export async function resolveImportTargets(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  resolve: (path: string, specifier: string) => string | null,
): Promise<number> {
  const rows = await db
    .selectFrom("code_imports")
    .select(["id", "path", "specifier", "target_path"])
    .where("installation_id", "=", scope.installationId)
    .where("repository_id", "=", scope.repositoryId)
    .execute();
  const changed = rows
    .map((row) => ({
      id: row.id,
      before: row.target_path,
      after: resolve(row.path, row.specifier),
    }))
    .filter(({ before, after }) => before !== after);
  for (let start = 0; start < changed.length; start += 1000) {
    const slice = changed.slice(start, start + 1000);
    const values = sql.join(slice.map(({ id, after }) => sql`(${id}::bigint, ${after}::text)`));
    await sql`
      UPDATE code_imports AS i SET target_path = v.target
      FROM (VALUES ${values}) AS v(id, target)
      WHERE i.id = v.id
        AND i.installation_id = ${scope.installationId}
        AND i.repository_id = ${scope.repositoryId}`.execute(db);
  }
  return changed.length;
}

/**
 * The text of an indexed file put back together from its chunks (a file without a grammar is
 * stored as overlapping line windows, which hold all its lines), or null when it is not indexed.
 * For small configuration files such as tsconfig.json that a later run needs but did not read.
 */
export async function readIndexedText(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  path: string,
): Promise<string | null> {
  const chunks = await db
    .selectFrom("code_chunks")
    .select(["start_line", "end_line", "content"])
    .where("installation_id", "=", scope.installationId)
    .where("repository_id", "=", scope.repositoryId)
    .where("path", "=", path)
    .where("kind", "=", "window")
    .orderBy("start_line")
    .execute();
  if (chunks.length === 0) return null;
  const lines: string[] = [];
  for (const chunk of chunks) {
    chunk.content.split("\n").forEach((line, i) => (lines[chunk.start_line - 1 + i] = line));
  }
  return Array.from(lines, (line) => line ?? "").join("\n");
}

/** Records a finished index run: commit, model, counts and what was skipped. */
export async function writeIndexState(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  state: { commitSha: string | null; model: string; dimensions: number; skipped: SkipCounts },
): Promise<{ files: number; chunks: number }> {
  const counts = await db
    .selectFrom("code_files")
    .select([
      sql<number>`count(*)::int`.as("files"),
      sql<number>`coalesce(sum(chunks), 0)::int`.as("chunks"),
    ])
    .where("installation_id", "=", scope.installationId)
    .where("repository_id", "=", scope.repositoryId)
    .executeTakeFirstOrThrow();
  const values = {
    commit_sha: state.commitSha,
    embedding_model: state.model,
    dimensions: state.dimensions,
    files: counts.files,
    chunks: counts.chunks,
    skipped: toStorableJson(state.skipped),
    indexed_at: new Date(),
  };
  await db
    .insertInto("code_indexes")
    .values({
      repository_id: scope.repositoryId,
      installation_id: scope.installationId,
      ...values,
    })
    .onConflict((oc) => oc.column("repository_id").doUpdateSet(values))
    .execute();
  return counts;
}

/**
 * Drops the index of some repositories of an installation, or of all its repositories (the App was
 * removed from them, so Revue must no longer hold their code). Chunks take their symbols along.
 */
export async function dropCodeIndex(
  db: CodeIndexDatabase,
  installationId: number,
  repositoryIds?: number[],
): Promise<void> {
  if (repositoryIds?.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const table of ["code_chunks", "code_imports", "code_files", "code_indexes"] as const) {
      let query = trx.deleteFrom(table).where("installation_id", "=", installationId);
      if (repositoryIds) query = query.where("repository_id", "in", repositoryIds);
      await query.execute();
    }
  });
}
