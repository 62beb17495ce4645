import { sql, type Kysely } from "kysely";

// Migrations are frozen in time, so they take an untyped database rather than today's schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDatabase = Kysely<any>;

/**
 * Makes writing the code index cheaper on the server (issue 13), measured on a full index of 26,005
 * chunks and 171,962 symbols (server CPU of the writes, median of two: 9.2 s before):
 *
 * - `code_symbols.chunk_id` loses its foreign key: each symbol row ran a key check against
 *   `code_chunks` (an SPI query and a row lock, about 1.5 s), although writeFiles inserts a
 *   chunk's symbols in the statement that inserts the chunk, and only the code index's two delete
 *   paths remove chunks. Those now delete the symbols themselves (code-index-store.ts), which the
 *   cascade did before. Every read of a symbol joins its chunk, so a stray row would never show.
 * - Chunk content and search text are compressed with lz4 where the server has it (PostgreSQL
 *   built with lz4; not PGlite): pglz took ~8% of the server's time (about 0.9 s). Only rows
 *   written from now on; older rows read as before.
 */
export async function up(db: AnyDatabase): Promise<void> {
  await sql`ALTER TABLE code_symbols DROP CONSTRAINT IF EXISTS code_symbols_chunk_id_fkey`.execute(
    db,
  );
  const { rows } = await sql<{ lz4: boolean }>`
    SELECT coalesce('lz4' = ANY (enumvals), false) AS lz4 FROM pg_settings
    WHERE name = 'default_toast_compression'`.execute(db);
  if (rows[0]?.lz4) {
    await sql`ALTER TABLE code_chunks ALTER COLUMN content SET COMPRESSION lz4,
      ALTER COLUMN search_text SET COMPRESSION lz4`.execute(db);
  }
}

export async function down(db: AnyDatabase): Promise<void> {
  await sql`ALTER TABLE code_chunks ALTER COLUMN content SET COMPRESSION default,
    ALTER COLUMN search_text SET COMPRESSION default`.execute(db);
  // Symbols whose chunk is gone cannot be under the key again.
  await sql`DELETE FROM code_symbols s
    WHERE NOT EXISTS (SELECT 1 FROM code_chunks c WHERE c.id = s.chunk_id)`.execute(db);
  await sql`ALTER TABLE code_symbols ADD CONSTRAINT code_symbols_chunk_id_fkey
    FOREIGN KEY (chunk_id) REFERENCES code_chunks (id) ON DELETE CASCADE`.execute(db);
}
