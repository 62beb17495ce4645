import type { Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * The model's answer for a review, stored as soon as it arrives: a retried attempt of the same job
 * (GitHub failed after the model answered) reuses it instead of paying for the model again, and
 * records what it posted, not a second, different answer.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable("reviews").addColumn("model_output", "jsonb").execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.alterTable("reviews").dropColumn("model_output").execute();
}
