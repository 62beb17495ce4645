import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * The code index's file rows and index state are keyed by installation as well as repository, as
 * every other code-index row is scoped. Keyed by repository alone, a repository moved to another
 * installation (a transfer between two accounts that both installed the App) could not be indexed
 * there while the old installation's rows remained: every batch failed on `code_files_pkey`, and the
 * index state's upsert rewrote the old installation's row. The old index `code_files_installation_idx`
 * (installation, repository) is the new key's prefix.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await sql`ALTER TABLE code_files DROP CONSTRAINT code_files_pkey,
    ADD CONSTRAINT code_files_pkey PRIMARY KEY (installation_id, repository_id, path)`.execute(db);
  await sql`DROP INDEX IF EXISTS code_files_installation_idx`.execute(db);
  await sql`ALTER TABLE code_indexes DROP CONSTRAINT code_indexes_pkey,
    ADD CONSTRAINT code_indexes_pkey PRIMARY KEY (installation_id, repository_id)`.execute(db);
}

/**
 * Back to one index per repository: where a repository is indexed under several installations, the
 * newest installation's (GitHub's ids grow) keeps its file rows and state. The index is derived data;
 * the next push re-indexes what is missing.
 */
export async function down(db: AnyDatabase): Promise<void> {
  await sql`DELETE FROM code_files a USING code_files b
    WHERE a.repository_id = b.repository_id AND a.path = b.path
      AND a.installation_id < b.installation_id`.execute(db);
  await sql`DELETE FROM code_indexes a USING code_indexes b
    WHERE a.repository_id = b.repository_id AND a.installation_id < b.installation_id`.execute(db);
  await sql`ALTER TABLE code_indexes DROP CONSTRAINT code_indexes_pkey,
    ADD CONSTRAINT code_indexes_pkey PRIMARY KEY (repository_id)`.execute(db);
  await sql`ALTER TABLE code_files DROP CONSTRAINT code_files_pkey,
    ADD CONSTRAINT code_files_pkey PRIMARY KEY (repository_id, path)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS code_files_installation_idx
    ON code_files (installation_id, repository_id)`.execute(db);
}
