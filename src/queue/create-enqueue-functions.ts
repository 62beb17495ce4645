import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Database } from "../db/open-database.ts";

/**
 * Gives the name of a database function that runs `text`, one of pg-boss's job inserts (its one
 * parameter the jobs, as text), and returns the ids of the jobs it inserted: created on first
 * use, in the first schema of the connection's search path, where Revue's tables are.
 * Resolves with null when the database user may not create functions there (migrations run by
 * another user), or the text does not fit in a function: the caller enqueues the ordinary way.
 * Rejects with what the database threw otherwise; the next call tries again.
 */
export type EnqueueFunctions = {
  nameFor(text: string): Promise<string | null>;
  /** Forgets a function found missing (dropped behind this process's back): created again next time. */
  forget(name: string): void;
};

/**
 * A function per statement text, named by the text's hash, so that a pg-boss whose statement
 * differs (another version, another queue table) gets a function of its own and processes of
 * two versions side by side each call theirs. PL/pgSQL keeps each function's plan per
 * connection, as a prepared statement would. Created under an advisory lock, so processes that
 * start together do not race to create the same one.
 */
export function createEnqueueFunctions(db: Database): EnqueueFunctions {
  // By text, not by name: a lookup hashes the text, cheaper than the SHA-1 that names it.
  const known = new Map<string, Promise<string | null>>();
  const textOf = new Map<string, string>();
  return {
    nameFor: (text) => {
      let found = known.get(text);
      if (!found) {
        const name = `revue_enqueue_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
        found = ensureFunction(db, name, text);
        known.set(text, found);
        textOf.set(name, text);
        found.catch(() => known.delete(text));
      }
      return found;
    },
    forget: (name) => {
      const text = textOf.get(name);
      if (text !== undefined) known.delete(text);
    },
  };
}

const BODY_QUOTE = "$revue_enqueue$";

async function ensureFunction(db: Database, name: string, text: string): Promise<string | null> {
  if (text.includes(BODY_QUOTE)) return null;
  try {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
      const { rows } = await sql<{
        present: boolean;
      }>`SELECT to_regprocedure(${`${name}(text)`}) IS NOT NULL AS present`.execute(trx);
      if (rows[0]!.present) return;
      await sql
        .raw(
          `CREATE FUNCTION ${name}(text) RETURNS SETOF uuid LANGUAGE plpgsql VOLATILE AS ${BODY_QUOTE}
BEGIN
  RETURN QUERY ${text};
END
${BODY_QUOTE}`,
        )
        .execute(trx);
    });
    return name;
  } catch (error) {
    if (CANNOT_CREATE.has((error as { code?: string }).code ?? "")) return null;
    throw error;
  }
}

/** insufficient_privilege, and syntax_error: a statement that does not fit in a function body. */
const CANNOT_CREATE = new Set(["42501", "42601"]);
