import { sql } from "kysely";
import { toSql } from "pgvector/kysely";
import type { Database } from "../db/open-database.ts";
import type { Memory, NewMemory } from "../db/schema.ts";
import type { Embedder } from "../embeddings/embedder.ts";

/** The columns of a memory without its vector (what listings and replies need). */
const memoryColumns = [
  "id",
  "installation_id",
  "repository_id",
  "author",
  "path_glob",
  "kind",
  "source",
  "statement",
  "taught_by",
  "source_url",
  "finding_id",
  "embedding_model",
  "embedding_dimensions",
  "use_count",
  "last_used_at",
  "created_at",
] as const;

export type MemorySummary = Omit<Memory, "embedding">;

/**
 * Stores a memory with the embedding of its statement (and the embedder's model and dimension).
 * Throws EmbeddingError when the embedder fails: nothing is stored then.
 */
export async function rememberStatement(
  db: Database,
  embedder: Embedder,
  memory: Omit<NewMemory, "embedding" | "embedding_model" | "embedding_dimensions">,
): Promise<MemorySummary> {
  const [vector] = await embedder.embed([memory.statement]);
  return db
    .insertInto("memories")
    .values({
      ...memory,
      embedding: toSql(vector!),
      embedding_model: embedder.model,
      embedding_dimensions: embedder.dimensions,
    })
    .returning(memoryColumns)
    .executeTakeFirstOrThrow();
}

/**
 * The memory this installation already learned from the comment at `sourceUrl`, if any: a
 * redelivered command or a retried job finds it instead of storing the statement twice.
 */
export async function memoryFromSource(
  db: Database,
  installationId: number,
  sourceUrl: string,
): Promise<Pick<Memory, "id" | "statement" | "author"> | undefined> {
  return db
    .selectFrom("memories")
    .select(["id", "statement", "author"])
    .where("installation_id", "=", installationId)
    .where("source_url", "=", sourceUrl)
    .executeTakeFirst();
}

/**
 * Deletes one memory (row and embedding) of this installation that applies to this repository.
 * Returns the deleted memory, or undefined when no such memory exists here: an id of another
 * installation or repository is never touched.
 */
export async function forgetMemory(
  db: Database,
  where: { installationId: number; repositoryId: number; id: number },
): Promise<MemorySummary | undefined> {
  return db
    .deleteFrom("memories")
    .where("id", "=", where.id)
    .where("installation_id", "=", where.installationId)
    .where((eb) =>
      eb.or([eb("repository_id", "=", where.repositoryId), eb("repository_id", "is", null)]),
    )
    .returning(memoryColumns)
    .executeTakeFirst();
}

/** Deletes these memories of this installation that apply to this repository; returns them. */
export async function forgetMemories(
  db: Database,
  where: { installationId: number; repositoryId: number; ids: number[] },
): Promise<MemorySummary[]> {
  if (where.ids.length === 0) return [];
  return db
    .deleteFrom("memories")
    .where("id", "in", where.ids)
    .where("installation_id", "=", where.installationId)
    .where((eb) =>
      eb.or([eb("repository_id", "=", where.repositoryId), eb("repository_id", "is", null)]),
    )
    .returning(memoryColumns)
    .execute();
}

/** Every memory that can apply in this repository (its own and installation-wide), oldest first. */
export async function listMemories(
  db: Database,
  where: { installationId: number; repositoryId: number },
): Promise<MemorySummary[]> {
  return db
    .selectFrom("memories")
    .select(memoryColumns)
    .where("installation_id", "=", where.installationId)
    .where((eb) =>
      eb.or([eb("repository_id", "=", where.repositoryId), eb("repository_id", "is", null)]),
    )
    .orderBy("id")
    .execute();
}

/** Memories with their vectors, for ranking against a diff. */
export async function memoriesWithVectors(
  db: Database,
  where: { installationId: number; repositoryId: number },
): Promise<Memory[]> {
  return db
    .selectFrom("memories")
    .selectAll()
    .where("installation_id", "=", where.installationId)
    .where((eb) =>
      eb.or([eb("repository_id", "=", where.repositoryId), eb("repository_id", "is", null)]),
    )
    .orderBy("id")
    .execute();
}

/** Counts a use of these memories (they went into a prompt). */
export async function markMemoriesUsed(db: Database, ids: number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("memories")
    .set({ use_count: sql`use_count + 1`, last_used_at: at })
    .where("id", "in", ids)
    .execute();
}
