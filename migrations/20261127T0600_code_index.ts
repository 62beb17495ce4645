import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * The vector sizes a chunk can be embedded at. HNSW needs a fixed dimension, so each size has its
 * own column and its own index (see src/indexing/README.md, "Storage"). Frozen here: adding a size is a
 * new migration.
 */
const DIMENSIONS = [384, 768, 1024, 1536] as const;

export async function up(db: AnyDatabase): Promise<void> {
  // One row per indexed repository: what was indexed, with which model, and what was skipped.
  await db.schema
    .createTable("code_indexes")
    .addColumn("repository_id", "bigint", (c) => c.primaryKey())
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    .addColumn("commit_sha", "text")
    .addColumn("embedding_model", "text", (c) => c.notNull())
    .addColumn("dimensions", "integer", (c) => c.notNull())
    .addColumn("files", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("chunks", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("skipped", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("indexed_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One row per indexed file: its content hash decides whether a push must re-chunk it.
  await db.schema
    .createTable("code_files")
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    .addColumn("repository_id", "bigint", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("bytes", "integer", (c) => c.notNull())
    .addColumn("chunks", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("code_files_pkey", ["repository_id", "path"])
    .execute();
  await db.schema
    .createIndex("code_files_installation_idx")
    .on("code_files")
    .columns(["installation_id", "repository_id"])
    .execute();

  let chunks = db.schema
    .createTable("code_chunks")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    .addColumn("repository_id", "bigint", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("start_line", "integer", (c) => c.notNull())
    .addColumn("end_line", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("language", "text")
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("content_hash", "text", (c) => c.notNull())
    .addColumn("symbols", sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // Identifiers split into words plus the whole identifiers, lower-cased (search-text.ts).
    .addColumn("search_text", "text", (c) => c.notNull())
    .addColumn("search_vector", sql`tsvector`, (c) =>
      c.generatedAlwaysAs(sql`to_tsvector('simple'::regconfig, search_text)`).stored(),
    )
    .addColumn("embedding_model", "text", (c) => c.notNull());
  for (const size of DIMENSIONS) {
    chunks = chunks.addColumn(`embedding_${size}`, sql`vector(${sql.raw(String(size))})`);
  }
  await chunks.execute();
  await db.schema
    .createIndex("code_chunks_file_idx")
    .on("code_chunks")
    .columns(["installation_id", "repository_id", "path"])
    .execute();
  // The embedding cache: the same content in this installation is never embedded twice per model.
  await db.schema
    .createIndex("code_chunks_cache_idx")
    .on("code_chunks")
    .columns(["installation_id", "embedding_model", "content_hash"])
    .execute();
  await sql`CREATE INDEX code_chunks_search_idx ON code_chunks USING gin (search_vector)`.execute(
    db,
  );
  for (const size of DIMENSIONS) {
    await sql`CREATE INDEX ${sql.id(`code_chunks_embedding_${size}_idx`)} ON code_chunks
      USING hnsw (${sql.id(`embedding_${size}`)} vector_cosine_ops)`.execute(db);
  }

  // Names each chunk defines ("definition") and uses ("reference").
  await db.schema
    .createTable("code_symbols")
    .addColumn("chunk_id", "bigint", (c) =>
      c.notNull().references("code_chunks.id").onDelete("cascade"),
    )
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    .addColumn("repository_id", "bigint", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('definition', 'reference')`))
    .execute();
  await db.schema
    .createIndex("code_symbols_name_idx")
    .on("code_symbols")
    .columns(["installation_id", "repository_id", "role", "name"])
    .execute();
  await db.schema
    .createIndex("code_symbols_chunk_idx")
    .on("code_symbols")
    .column("chunk_id")
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  for (const table of ["code_symbols", "code_chunks", "code_files", "code_indexes"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
