import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

export async function up(db: AnyDatabase): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS vector`.execute(db);

  await db.schema
    .createTable("installations")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("account_login", "text", (c) => c.notNull())
    .addColumn("account_type", "text", (c) => c.notNull())
    .addColumn("suspended_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("repositories")
    .addColumn("id", "bigint", (c) => c.primaryKey())
    .addColumn("installation_id", "bigint", (c) =>
      c.notNull().references("installations.id").onDelete("cascade"),
    )
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("default_branch", "text")
    .addColumn("private", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex("repositories_installation_idx")
    .on("repositories")
    .column("installation_id")
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("delivery_id", "text", (c) => c.primaryKey())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("received_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("reviews")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    .addColumn("repository_id", "bigint", (c) => c.notNull())
    .addColumn("pull_number", "integer", (c) => c.notNull())
    .addColumn("base_sha", "text", (c) => c.notNull())
    .addColumn("head_sha", "text", (c) => c.notNull())
    .addColumn("from_sha", "text", (c) => c.notNull())
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull().check(sql`mode in ('full', 'incremental')`))
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('running', 'posted', 'skipped', 'failed', 'superseded')`),
    )
    .addColumn("status_reason", "text")
    .addColumn("delivery_id", "text")
    .addColumn("job_id", "text")
    .addColumn("check_run_id", "bigint")
    .addColumn("github_review_id", "bigint")
    .addColumn("files_total", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("files_reviewed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("findings_posted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("model", "text")
    .addColumn("model_calls", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("input_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("output_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cache_read_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cache_write_tokens", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("cost_usd", "double precision", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("finished_at", "timestamptz")
    .addColumn("duration_ms", "integer")
    .execute();
  await db.schema
    .createIndex("reviews_pull_idx")
    .on("reviews")
    .columns(["repository_id", "pull_number", "created_at"])
    .execute();
  // A retried job finds the review its earlier attempt started instead of starting another.
  await db.schema.createIndex("reviews_job_idx").on("reviews").column("job_id").execute();

  await db.schema
    .createTable("findings")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("review_id", "bigint", (c) =>
      c.notNull().references("reviews.id").onDelete("cascade"),
    )
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    .addColumn("repository_id", "bigint", (c) => c.notNull())
    .addColumn("pull_number", "integer", (c) => c.notNull())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("side", "text", (c) => c.notNull().check(sql`side in ('LEFT', 'RIGHT')`))
    .addColumn("start_line", "integer")
    .addColumn("line", "integer")
    .addColumn("severity", "text", (c) =>
      c.notNull().check(sql`severity in ('critical', 'major', 'minor', 'nit')`),
    )
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("quoted_code", "text", (c) => c.notNull())
    .addColumn("suggestion", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('open', 'addressed', 'dismissed', 'summary')`),
    )
    .addColumn("github_comment_id", "bigint")
    .addColumn("head_sha", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint("findings_pull_fingerprint_key", [
      "repository_id",
      "pull_number",
      "fingerprint",
    ])
    .execute();

  await db.schema
    .createTable("pull_requests")
    .addColumn("repository_id", "bigint", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    .addColumn("summary_comment_id", "bigint")
    .addColumn("last_reviewed_head_sha", "text")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("pull_requests_pkey", ["repository_id", "number"])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  for (const table of [
    "pull_requests",
    "findings",
    "reviews",
    "webhook_deliveries",
    "repositories",
    "installations",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
