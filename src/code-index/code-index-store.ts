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
  /** The full-text search text of each chunk (search-text.ts), when the caller computed it. */
  searchTexts?: string[];
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
  // One index probe per hash (LIMIT 1 each). A DISTINCT ON over `content_hash IN (...)` let the
  // planner, before the table had statistics (during a first index), walk the installation's whole
  // index in hash order and filter: ~35 ms a batch on 26,000 chunks, growing with the table.
  // Cast to text so both backends hand fromSql a string, whatever type parsers a driver has.
  const { rows } = await sql<{ content_hash: string; vector: string }>`
    SELECT h.content_hash, c.vector
    FROM unnest(${contentHashes}::text[]) AS h(content_hash)
    CROSS JOIN LATERAL (
      SELECT ${sql.ref(column)}::text AS vector FROM code_chunks
      WHERE installation_id = ${installationId} AND embedding_model = ${model}
        AND content_hash = h.content_hash AND ${sql.ref(column)} IS NOT NULL
      LIMIT 1
    ) AS c`.execute(db);
  // A `vector` column's text form ("[...]") reads as number[] (only sparsevec gives SparseVector).
  return new Map(rows.map((row) => [row.content_hash, fromSql(row.vector) as number[]]));
}

/**
 * Replaces the chunks, symbols, imports and file rows of `files` in one transaction (a file's old
 * chunks go, its new ones come, atomically). Idempotent: writing the same files twice leaves one
 * copy, as long as `mayBeStored` is true for every path that has rows already (default: every
 * path). A full index passes the paths it knows are new, so a first index deletes nothing.
 *
 * The rows go in one statement per batch, whatever its size: each column is sent as one array and
 * unnested (a multi-row VALUES list is parsed and planned per row, and the chunks' ids would need
 * a round trip before their symbols could be written). A chunk's `searchText` is computed here
 * unless the caller computed it (`searchTexts`, one per chunk, as a parse worker does).
 */
export async function writeFiles(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  model: string,
  dimensions: number,
  files: IndexedFile[],
  mayBeStored: (path: string) => boolean = () => true,
): Promise<void> {
  if (files.length === 0) return;
  const column = embeddingColumn(dimensions);
  const chunks = {
    path: [] as string[],
    start: [] as number[],
    end: [] as number[],
    kind: [] as string[],
    language: [] as (string | null)[],
    content: [] as string[],
    hash: [] as string[],
    symbols: [] as string[],
    searchText: [] as string[],
    vector: [] as string[],
  };
  /** Symbols point at their chunk by its 1-based position in the arrays above. */
  const symbols = { chunk: [] as number[], name: [] as string[], role: [] as string[] };
  const imports = {
    path: [] as string[],
    line: [] as number[],
    kind: [] as string[],
    importedName: [] as (string | null)[],
    localName: [] as (string | null)[],
    specifier: [] as string[],
  };
  for (const file of files) {
    file.chunks.forEach((chunk, i) => {
      chunks.path.push(file.path);
      chunks.start.push(chunk.startLine);
      chunks.end.push(chunk.endLine);
      chunks.kind.push(chunk.kind);
      chunks.language.push(chunk.language);
      chunks.content.push(chunk.content);
      chunks.hash.push(chunk.contentHash);
      chunks.symbols.push(toStorableJson(chunk.symbols));
      chunks.searchText.push(file.searchTexts?.[i] ?? searchText(file.path, chunk.content));
      chunks.vector.push(toSql(file.vectors[i]!) as string);
      const ordinal = chunks.path.length;
      for (const [names, role] of [
        [chunk.symbols, "definition"],
        [chunk.references, "reference"],
      ] as const) {
        for (const name of new Set(names)) {
          symbols.chunk.push(ordinal);
          symbols.name.push(name);
          symbols.role.push(role);
        }
      }
    });
    for (const imported of file.imports) {
      imports.path.push(file.path);
      imports.line.push(imported.line);
      imports.kind.push(imported.kind);
      imports.importedName.push(imported.importedName);
      imports.localName.push(imported.localName);
      imports.specifier.push(imported.specifier);
    }
  }
  const { installationId, repositoryId } = scope;
  await db.transaction().execute(async (trx) => {
    await commitWithoutWaitingForDisk(trx);
    await deleteFileRows(trx, scope, files.map((file) => file.path).filter(mayBeStored));
    // Ids are drawn before the insert so that symbols can name their chunk in the same statement;
    // MATERIALIZED so each chunk draws exactly one. (No foreign key checks them: migration
    // 20261218T1000_code_index_write_cost.)
    await sql`
      WITH chunk AS MATERIALIZED (
        SELECT nextval(pg_get_serial_sequence('code_chunks', 'id')) AS id, c.*
        FROM unnest(
          ${chunks.path}::text[], ${chunks.start}::int[], ${chunks.end}::int[],
          ${chunks.kind}::text[], ${chunks.language}::text[], ${chunks.content}::text[],
          ${chunks.hash}::text[], ${chunks.symbols}::text[], ${chunks.searchText}::text[],
          ${chunks.vector}::text[]
        ) WITH ORDINALITY AS c(path, start_line, end_line, kind, language, content, content_hash,
          symbols, search_text, vector, ordinal)
      ),
      chunk_rows AS (
        INSERT INTO code_chunks (id, installation_id, repository_id, path, start_line, end_line,
          kind, language, content, content_hash, symbols, search_text, embedding_model,
          ${sql.ref(column)})
        SELECT id, ${installationId}, ${repositoryId}, path, start_line, end_line, kind, language,
          content, content_hash, ARRAY(SELECT jsonb_array_elements_text(symbols::jsonb)),
          search_text, ${model}, vector::vector
        FROM chunk
      ),
      symbol_rows AS (
        INSERT INTO code_symbols (chunk_id, installation_id, repository_id, name, role)
        SELECT chunk.id, ${installationId}, ${repositoryId}, s.name, s.role
        FROM unnest(${symbols.chunk}::int[], ${symbols.name}::text[], ${symbols.role}::text[])
          AS s(ordinal, name, role)
        JOIN chunk ON chunk.ordinal = s.ordinal
      ),
      import_rows AS (
        INSERT INTO code_imports (installation_id, repository_id, path, line, kind, imported_name,
          local_name, specifier, target_path)
        -- target_path is resolved once the run knows every file (resolveImportTargets).
        SELECT ${installationId}, ${repositoryId}, i.*, NULL
        FROM unnest(${imports.path}::text[], ${imports.line}::int[], ${imports.kind}::text[],
          ${imports.importedName}::text[], ${imports.localName}::text[],
          ${imports.specifier}::text[])
          AS i(path, line, kind, imported_name, local_name, specifier)
      )
      INSERT INTO code_files (installation_id, repository_id, path, content_hash, bytes, chunks)
      SELECT ${installationId}, ${repositoryId}, f.*
      FROM unnest(
        ${files.map((file) => file.path)}::text[],
        ${files.map((file) => file.contentHash)}::text[],
        ${files.map((file) => file.bytes)}::int[],
        ${files.map((file) => file.chunks.length)}::int[]
      ) AS f(path, content_hash, bytes, chunks)`.execute(trx);
  });
}

/** Removes files (their chunks, symbols, imports and file rows) from the index. */
export async function removeFiles(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  paths: string[],
): Promise<void> {
  if (paths.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await commitWithoutWaitingForDisk(trx);
    await deleteFileRows(trx, scope, paths);
  });
}

/**
 * Lets the transaction's commit return before its WAL reaches the disk (`synchronous_commit`
 * off, this transaction only), saving a flush wait per batch. A server crash can then lose the
 * last batches committed, whole (never part of one), and nothing else: an index run ends with
 * writeIndexState, whose commit waits for the disk and so for every batch before it. A run cut
 * short by the crash never reached it; its job fails and is run again, which rewrites what is
 * missing (files are compared by content hash with what the index holds).
 */
async function commitWithoutWaitingForDisk(trx: CodeIndexDatabase): Promise<void> {
  await sql`SET LOCAL synchronous_commit = off`.execute(trx);
}

async function deleteFileRows(db: CodeIndexDatabase, scope: RepositoryScope, paths: string[]) {
  if (paths.length === 0) return;
  for (let start = 0; start < paths.length; start += 1000) {
    const slice = paths.slice(start, start + 1000);
    // Symbols before their chunks (no foreign key cascades to them), chunks and imports before
    // the files they belong to.
    await db
      .deleteFrom("code_symbols")
      .where("chunk_id", "in", (eb) =>
        eb
          .selectFrom("code_chunks")
          .select("id")
          .where("installation_id", "=", scope.installationId)
          .where("repository_id", "=", scope.repositoryId)
          .where("path", "in", slice),
      )
      .execute();
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
  if (changed.length === 0) return 0;
  // One statement, the ids and targets as two arrays (a first full index changes every row).
  await sql`
    UPDATE code_imports AS i SET target_path = v.target
    FROM unnest(${changed.map(({ id }) => id)}::bigint[], ${changed.map(({ after }) => after)}::text[])
      AS v(id, target)
    WHERE i.id = v.id
      AND i.installation_id = ${scope.installationId}
      AND i.repository_id = ${scope.repositoryId}`.execute(db);
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
    .onConflict((oc) => oc.columns(["installation_id", "repository_id"]).doUpdateSet(values))
    .execute();
  return counts;
}

/**
 * Drops the index of some repositories of an installation, or of all its repositories (the App was
 * removed from them, so Revue must no longer hold their code).
 */
export async function dropCodeIndex(
  db: CodeIndexDatabase,
  installationId: number,
  repositoryIds?: number[],
): Promise<void> {
  if (repositoryIds?.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const table of [
      "code_symbols",
      "code_chunks",
      "code_imports",
      "code_files",
      "code_indexes",
    ] as const) {
      let query = trx.deleteFrom(table).where("installation_id", "=", installationId);
      if (repositoryIds) query = query.where("repository_id", "in", repositoryIds);
      await query.execute();
    }
  });
}

/** Whether the installation has any vector of `model` stored, i.e. the embedding cache is not empty. */
export async function hasVectors(
  db: CodeIndexDatabase,
  installationId: number,
  model: string,
  dimensions: number,
): Promise<boolean> {
  const row = await db
    .selectFrom("code_chunks")
    .select("id")
    .where("installation_id", "=", installationId)
    .where("embedding_model", "=", model)
    .where(embeddingColumn(dimensions), "is not", null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
