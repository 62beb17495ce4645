import type { Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * A finding's signals from the pull request's own author when they lack write access, kept apart
 * from the signals of people with write access (`rebutted`, `thumbs_up`, `thumbs_down`): the
 * author's count only for later reviews of the same pull request, never repository-wide.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .alterTable("findings")
    .addColumn("author_rebutted", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("author_thumbs_up", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("author_thumbs_down", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema
    .alterTable("findings")
    .dropColumn("author_rebutted")
    .dropColumn("author_thumbs_up")
    .dropColumn("author_thumbs_down")
    .execute();
}
