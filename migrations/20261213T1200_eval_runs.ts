import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * Runs of `revue eval` (src/cli/): one row per run with its models, tokens, cost and overall
 * scores, and one per case with its own, so that `revue eval --compare A B` can put two runs side
 * by side. Scores are stored as computed; the counts they come from are stored with them.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable("eval_runs")
    .addColumn("id", "serial", (c) => c.primaryKey())
    .addColumn("name", "text")
    .addColumn("cases_source", "text", (c) => c.notNull())
    .addColumn("review_model", "text", (c) => c.notNull())
    .addColumn("judge_model", "text", (c) => c.notNull())
    .addColumn("true_positives", "integer", (c) => c.notNull())
    .addColumn("candidates", "integer", (c) => c.notNull())
    .addColumn("golden", "integer", (c) => c.notNull())
    .addColumn("precision", "double precision", (c) => c.notNull())
    .addColumn("recall", "double precision", (c) => c.notNull())
    .addColumn("f1", "double precision", (c) => c.notNull())
    .addColumn("review_tokens", "bigint", (c) => c.notNull())
    .addColumn("judge_tokens", "bigint", (c) => c.notNull())
    .addColumn("cost_usd", "double precision", (c) => c.notNull())
    .addColumn("started_at", "timestamptz", (c) => c.notNull())
    .addColumn("finished_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable("eval_case_results")
    .addColumn("run_id", "integer", (c) =>
      c.notNull().references("eval_runs.id").onDelete("cascade"),
    )
    .addColumn("case_key", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("true_positives", "integer", (c) => c.notNull())
    .addColumn("candidates", "integer", (c) => c.notNull())
    .addColumn("golden", "integer", (c) => c.notNull())
    .addColumn("precision", "double precision", (c) => c.notNull())
    .addColumn("recall", "double precision", (c) => c.notNull())
    .addColumn("f1", "double precision", (c) => c.notNull())
    .addColumn("review_tokens", "bigint", (c) => c.notNull())
    .addColumn("judge_tokens", "bigint", (c) => c.notNull())
    .addColumn("cost_usd", "double precision", (c) => c.notNull())
    // Which golden comment the judge matched to which finding, and why; or why the case failed.
    .addColumn("details", "jsonb", (c) => c.notNull())
    .addColumn("error", "text")
    .addPrimaryKeyConstraint("eval_case_results_pkey", ["run_id", "case_key"])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable("eval_case_results").execute();
  await db.schema.dropTable("eval_runs").execute();
}
