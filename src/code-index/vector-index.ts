import { sql } from "kysely";
import type { RepositoryScope } from "./code-index-store.ts";
import { embeddingColumn, type CodeIndexDatabase } from "./code-index-tables.ts";

// Building a vector's HNSW index once, over rows already written, is several times faster than
// keeping it up to date row by row, which was about half of a full index (48% on PostgreSQL, 63% on
// PGlite). The index is shared by every repository in the table, so it is only taken down while the
// repository being indexed is the only one with vectors of that size (a first install, a
// single-repository deployment). Searches meanwhile scan exactly: slower, never wrong.

/** The HNSW index of the vectors of `dimensions` (migration 20261127T0600_code_index). */
function indexName(dimensions: number): string {
  return `code_chunks_${embeddingColumn(dimensions)}_idx`;
}

/**
 * Drops the HNSW index of `dimensions` when no other repository has vectors of that size, so that a
 * full index of `scope` writes without maintaining it; `ensureVectorIndex` builds it again. Returns
 * whether it dropped it. Gives up (false) rather than wait more than 2 s for the table's lock, so a
 * long search or write elsewhere never stalls behind it.
 */
export async function suspendVectorIndex(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  dimensions: number,
): Promise<boolean> {
  const column = embeddingColumn(dimensions);
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL lock_timeout = '2s'`.execute(trx);
      // One suspender or builder at a time per schema: two full indexes cannot both decide alone.
      await sql`SELECT pg_advisory_xact_lock(hashtext('revue:vector-index:' || current_schema()))`.execute(
        trx,
      );
      const others = await trx
        .selectFrom("code_chunks")
        .select("id")
        .where(column, "is not", null)
        .where((eb) =>
          eb.or([
            eb("installation_id", "!=", scope.installationId),
            eb("repository_id", "!=", scope.repositoryId),
          ]),
        )
        .limit(1)
        .execute();
      if (others.length > 0) return false;
      await sql`DROP INDEX IF EXISTS ${sql.id(indexName(dimensions))}`.execute(trx);
      return true;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "55P03") return false; // lock_not_available
    throw error;
  }
}

/**
 * Builds the HNSW index of `dimensions` unless it exists. Cheap when it does, so every index run
 * calls it: an earlier run killed while the index was down leaves no table without it for long.
 */
export async function ensureVectorIndex(db: CodeIndexDatabase, dimensions: number): Promise<void> {
  const column = embeddingColumn(dimensions);
  await db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('revue:vector-index:' || current_schema()))`.execute(
      trx,
    );
    await sql`CREATE INDEX IF NOT EXISTS ${sql.id(indexName(dimensions))} ON code_chunks
      USING hnsw (${sql.id(column)} vector_cosine_ops)`.execute(trx);
  });
}
