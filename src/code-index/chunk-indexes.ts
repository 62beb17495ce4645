import { sql } from "kysely";
import type { RepositoryScope } from "./code-index-store.ts";
import { embeddingColumn, type CodeIndexDatabase } from "./code-index-tables.ts";

// Building an index once, over rows already written, is several times faster than keeping it up
// to date row by row. Keeping the vectors' HNSW index up to date was about half of a full index
// (48% on PostgreSQL, 63% on PGlite), and the full-text GIN index another tenth. Both indexes are
// shared by every repository in the table, so one is only taken down while the repository being
// indexed is the only one it covers (a first install, a single-repository deployment). Searches
// meanwhile scan exactly: slower, never wrong.

/** The HNSW index of the vectors of `dimensions` (migration 20261127T0600_code_index). */
export function vectorIndexName(dimensions: number): string {
  return `code_chunks_${embeddingColumn(dimensions)}_idx`;
}

/** The full-text index of `search_vector` (migration 20261127T0600_code_index). */
export const SEARCH_INDEX = "code_chunks_search_idx";

/** One suspender or builder at a time per schema: two full indexes cannot both decide alone. */
const lockIndexes = sql`SELECT pg_advisory_xact_lock(hashtext('revue:vector-index:' || current_schema()))`;

/**
 * Drops the indexes of `code_chunks` that only `scope` would use while a full index of it writes:
 * the HNSW index of `dimensions` when no other repository has vectors of that size, and the
 * full-text index when no other repository has chunks at all. `ensureChunkIndexes` builds them
 * again. Returns the names it dropped. Gives up (drops nothing) rather than wait more than 2 s for
 * the table's lock, so a long search or write elsewhere never stalls behind it.
 */
export async function suspendChunkIndexes(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  dimensions: number,
): Promise<string[]> {
  const column = embeddingColumn(dimensions);
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL lock_timeout = '2s'`.execute(trx);
      await lockIndexes.execute(trx);
      const others = sql`code_chunks WHERE (installation_id <> ${scope.installationId}
        OR repository_id <> ${scope.repositoryId})`;
      const { rows } = await sql<{ chunks: boolean; vectors: boolean }>`
        SELECT EXISTS (SELECT 1 FROM ${others}) AS chunks,
          EXISTS (SELECT 1 FROM ${others} AND ${sql.ref(column)} IS NOT NULL) AS vectors`.execute(
        trx,
      );
      const dropped = [
        ...(rows[0]!.vectors ? [] : [vectorIndexName(dimensions)]),
        ...(rows[0]!.chunks ? [] : [SEARCH_INDEX]),
      ];
      for (const name of dropped) await sql`DROP INDEX IF EXISTS ${sql.id(name)}`.execute(trx);
      return dropped;
    });
  } catch (error) {
    if ((error as { code?: string }).code === "55P03") return []; // lock_not_available
    throw error;
  }
}

/**
 * Builds the HNSW index of `dimensions` and the full-text index unless they exist. Costs one
 * look-up when they do, so every index run calls it: an earlier run killed while an index was down
 * leaves no table without it for long.
 */
export async function ensureChunkIndexes(db: CodeIndexDatabase, dimensions: number): Promise<void> {
  const column = embeddingColumn(dimensions);
  const definitions = [
    {
      name: vectorIndexName(dimensions),
      create: sql`USING hnsw (${sql.ref(column)} vector_cosine_ops)`,
    },
    { name: SEARCH_INDEX, create: sql`USING gin (search_vector)` },
  ];
  // Checked before any lock: CREATE INDEX IF NOT EXISTS would wait for the table's writers first.
  const missing: typeof definitions = [];
  for (const index of definitions) {
    const { rows } = await sql<{ found: boolean }>`
      SELECT to_regclass(${index.name}) IS NOT NULL AS found`.execute(db);
    if (!rows[0]!.found) missing.push(index);
  }
  if (missing.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await lockIndexes.execute(trx);
    if (missing.some((index) => index.name === vectorIndexName(dimensions))) {
      await giveHnswBuildMemory(trx, column, dimensions);
    }
    for (const index of missing) {
      await sql`CREATE INDEX IF NOT EXISTS ${sql.id(index.name)} ON code_chunks ${index.create}`.execute(
        trx,
      );
    }
  });
}

/** Memory an HNSW build may take on a server, at most (`maintenance_work_mem`). */
const MAX_BUILD_MEMORY_MB = 1024;

/**
 * Raises `maintenance_work_mem` for this transaction so that the HNSW graph of the table's vectors
 * fits in memory while it is built. When it does not, pgvector goes on on disk, about three times
 * slower (78,000 vectors of 384: 60 s at the default 64 MB, 22 s at 256 MB). A vector takes its
 * 4 bytes a dimension plus ~0.8 kB of graph (measured: 64 MB held 28,361 of 384 dimensions).
 * Never lowers the setting, stops at MAX_BUILD_MEMORY_MB, and leaves PGlite alone: its WASM memory
 * never shrinks back, and an embedded server's idle memory matters more than one build.
 */
async function giveHnswBuildMemory(
  trx: CodeIndexDatabase,
  column: string,
  dimensions: number,
): Promise<void> {
  const { rows } = await sql<{ vectors: number; current_mb: number; embedded: boolean }>`
    SELECT (SELECT count(*) FROM code_chunks WHERE ${sql.ref(column)} IS NOT NULL)::int AS vectors,
      (SELECT setting::bigint * 1024 / 1048576 FROM pg_settings
        WHERE name = 'maintenance_work_mem')::int AS current_mb,
      version() LIKE '%emscripten%' AS embedded`.execute(trx);
  const { vectors, current_mb: currentMb, embedded } = rows[0]!;
  if (embedded) return;
  const neededMb = Math.ceil((vectors * (dimensions * 4 + 1024) * 1.1) / 1048576);
  const memoryMb = Math.min(MAX_BUILD_MEMORY_MB, neededMb);
  if (memoryMb <= currentMb) return;
  await sql`SELECT set_config('maintenance_work_mem', ${`${memoryMb}MB`}, true)`.execute(trx);
}
