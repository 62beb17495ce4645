import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * Team memory: short statements people taught Revue, and the signals on past findings (votes,
 * rebuttals, addressed) that the finding gate compares new findings with.
 *
 * Vectors are stored untyped (`vector`, no dimension) beside their model name and dimension, so a
 * change of embedder never mixes vector spaces: rows of another model are re-embedded or ignored.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable("memories")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    // Null: every repository of the installation (not created by commands today).
    .addColumn("repository_id", "bigint")
    // Null: whoever authored the pull request.
    .addColumn("author", "text")
    .addColumn("path_glob", "text")
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('preference', 'convention', 'rejected-pattern', 'fact')`),
    )
    .addColumn("source", "text", (c) =>
      c.notNull().check(sql`source in ('command', 'reply', 'reaction')`),
    )
    .addColumn("statement", "text", (c) => c.notNull())
    .addColumn("taught_by", "text", (c) => c.notNull())
    .addColumn("source_url", "text")
    .addColumn("finding_id", "bigint")
    .addColumn("embedding", sql`vector`)
    .addColumn("embedding_model", "text")
    .addColumn("embedding_dimensions", "integer")
    .addColumn("use_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("memories_scope_idx")
    .on("memories")
    .columns(["installation_id", "repository_id"])
    .execute();

  await db.schema
    .alterTable("findings")
    .addColumn("thumbs_up", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("thumbs_down", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rebutted", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("reactions_read_at", "timestamptz")
    .addColumn("addressed_at", "timestamptz")
    .addColumn("addressed_sha", "text")
    .addColumn("embedding", sql`vector`)
    .addColumn("embedding_model", "text")
    .addColumn("embedding_dimensions", "integer")
    .execute();
  await db.schema
    .createIndex("findings_repository_idx")
    .on("findings")
    .columns(["installation_id", "repository_id"])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropIndex("findings_repository_idx").ifExists().execute();
  await db.schema
    .alterTable("findings")
    .dropColumn("thumbs_up")
    .dropColumn("thumbs_down")
    .dropColumn("rebutted")
    .dropColumn("reactions_read_at")
    .dropColumn("addressed_at")
    .dropColumn("addressed_sha")
    .dropColumn("embedding")
    .dropColumn("embedding_model")
    .dropColumn("embedding_dimensions")
    .execute();
  await db.schema.dropTable("memories").ifExists().execute();
}
