import { type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * What each indexed file imports and re-exports (src/indexing/read-imports.ts), with the file the
 * import resolves to, so retrieval follows a name the way the compiler would with a query rather
 * than a re-parse. Rows of a file are replaced with its chunks; like every code-index table each
 * row carries installation_id and repository_id and every query filters by both.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable("code_imports")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("installation_id", "bigint", (c) => c.notNull())
    .addColumn("repository_id", "bigint", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("line", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("imported_name", "text")
    .addColumn("local_name", "text")
    .addColumn("specifier", "text", (c) => c.notNull())
    // Null for a package outside the repository, or a file not (yet) indexed.
    .addColumn("target_path", "text")
    .execute();
  await db.schema
    .createIndex("code_imports_file_idx")
    .on("code_imports")
    .columns(["installation_id", "repository_id", "path"])
    .execute();
  await db.schema
    .createIndex("code_imports_target_idx")
    .on("code_imports")
    .columns(["installation_id", "repository_id", "target_path"])
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable("code_imports").execute();
}
