import { createHash, randomUUID } from "node:crypto";
import type pg from "pg";
import { fromKysely, type Db, type JobInsert, type PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import { toStorableText } from "../db/storable-text.ts";
import type { JobName } from "../queue/jobs.ts";
import type { EnqueueOutcome, IntakeEntry } from "./intake-entry.ts";

/**
 * Records many deliveries and enqueues their jobs in ONE transaction, in a fixed number of
 * statements whatever the batch's size: one multi-row insert of the deliveries, then one pg-boss
 * `insert` per job name (a multi-row insert that fires at most one NOTIFY for the batch), then the
 * commit. Returns each entry's outcome, in order, as `recordAndEnqueue` would have for it alone:
 * a delivery id seen before, or seen earlier in the same batch, is a `redelivery` and enqueues
 * nothing; a job absorbed by a queued job with the same singleton key (queued before, or earlier
 * in the batch) leaves its entry `already-queued`.
 * With `pool` (a PostgreSQL server), the statements run on one of its connections as named
 * prepared statements: pg-boss's job insert is parsed and planned once per connection instead of
 * once per batch, which was half of a batch's time. Without it (PGlite), through kysely.
 * All or nothing: throws what the database or the queue throws, and then nothing of the batch
 * was stored (the caller writes each entry alone to find the one at fault).
 */
export async function recordAndEnqueueBatch(
  deps: { db: Database; boss: PgBoss; pool?: pg.Pool | undefined },
  entries: readonly IntakeEntry[],
): Promise<EnqueueOutcome[]> {
  if (entries.length === 0) return [];
  // The first entry with an id is the delivery; any later one with that id is its redelivery.
  const firstWithId = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!firstWithId.has(entry.delivery.id)) firstWithId.set(entry.delivery.id, index);
  });
  const inTransaction = deps.pool ? inPreparedTransaction(deps.pool) : inKyselyTransaction(deps.db);
  return inTransaction(async (session) => {
    const newIds = new Set(
      await session.insertDeliveries(
        [...firstWithId.values()].map((index) => entries[index]!.delivery),
      ),
    );
    const recorded = entries.map(
      (entry, index) =>
        newIds.has(entry.delivery.id) && firstWithId.get(entry.delivery.id) === index,
    );

    // Ids chosen here, so the ids pg-boss returns (the rows not absorbed) name their entries.
    const jobIdsOf = entries.map(() => [] as string[]);
    const byName = new Map<JobName, JobInsert[]>();
    entries.forEach((entry, index) => {
      if (!recorded[index]) return;
      for (const job of entry.jobs) {
        const id = randomUUID();
        jobIdsOf[index]!.push(id);
        const jobs = byName.get(job.name) ?? [];
        jobs.push({
          id,
          data: job.payload,
          ...(job.singletonKey === undefined ? {} : { singletonKey: job.singletonKey }),
        });
        byName.set(job.name, jobs);
      }
    });
    const queued = new Set<string>();
    for (const [name, jobs] of byName) {
      const ids = await deps.boss.insert(name, jobs, { db: session.queue, returnId: true });
      for (const id of ids ?? []) queued.add(id);
    }
    return entries.map((_, index): EnqueueOutcome => {
      if (!recorded[index]) return "redelivery";
      return jobIdsOf[index]!.some((id) => queued.has(id)) ? "queued" : "already-queued";
    });
  });
}

/** The batch's statements, on the transaction's connection. */
type BatchSession = {
  /** Inserts the deliveries not seen before; returns the ids it inserted. */
  insertDeliveries(deliveries: readonly { id: string; event: string }[]): Promise<string[]>;
  /** pg-boss's `db` option: its statements run in the same transaction. */
  queue: Db;
};
type InTransaction = <T>(work: (session: BatchSession) => Promise<T>) => Promise<T>;

const inKyselyTransaction =
  (db: Database): InTransaction =>
  (work) =>
    db.transaction().execute((trx) =>
      work({
        insertDeliveries: async (deliveries) =>
          (
            await trx
              .insertInto("webhook_deliveries")
              .values(deliveries.map(({ id, event }) => ({ delivery_id: id, event })))
              .onConflict((oc) => oc.column("delivery_id").doNothing())
              .returning("delivery_id")
              .execute()
          ).map((row) => row.delivery_id),
        queue: fromKysely(trx),
      }),
    );

/** Resolved through the connection's search_path, as kysely's statements are. */
const INSERT_DELIVERIES = `INSERT INTO webhook_deliveries (delivery_id, event)
SELECT * FROM unnest($1::text[], $2::text[])
ON CONFLICT (delivery_id) DO NOTHING
RETURNING delivery_id`;

const inPreparedTransaction =
  (pool: pg.Pool): InTransaction =>
  async (work) => {
    const client = await pool.connect();
    // A connection whose rollback failed is broken: released with the error, the pool drops it.
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work({
        insertDeliveries: async (deliveries) => {
          const { rows } = await prepared<{ delivery_id: string }>(client, INSERT_DELIVERIES, [
            deliveries.map(({ id }) => toStorableText(id)),
            deliveries.map(({ event }) => toStorableText(event)),
          ]);
          return rows.map((row) => row.delivery_id);
        },
        queue: { executeSql: (text, values) => prepared(client, text, values ?? []) },
      });
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  };

/**
 * Runs `text` as a named prepared statement, named by its text: parsed once per connection, and
 * once PostgreSQL settles on a generic plan, not planned again. pg-boss's insert has one text per
 * queue, so a connection holds a handful.
 */
function prepared<R extends Record<string, unknown>>(
  client: pg.PoolClient,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  const name = `revue-${createHash("sha1").update(text).digest("base64url")}`;
  return client.query<R>({ name, text, values });
}
