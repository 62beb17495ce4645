import { createHash, randomUUID } from "node:crypto";
import { CompiledQuery } from "kysely";
import type pg from "pg";
import { fromKysely, type Db, type JobInsert, type PgBoss } from "pg-boss";
import type { Database } from "../db/open-database.ts";
import { toStorableText } from "../db/storable-text.ts";
import { captureJobInsert } from "../queue/capture-job-insert.ts";
import type { EnqueueFunctions } from "../queue/create-enqueue-functions.ts";
import type { JobName } from "../queue/jobs.ts";
import type { EnqueueOutcome, IntakeEntry } from "./intake-entry.ts";

export type BatchDependencies = {
  db: Database;
  boss: PgBoss;
  /** A PostgreSQL server's pool (none for PGlite). */
  pool?: pg.Pool | undefined;
  /** When given, the batch is one statement (writeInOneStatement). */
  enqueueFunctions?: EnqueueFunctions | undefined;
};

/**
 * Records many deliveries and enqueues their jobs in ONE transaction, whatever the batch's size:
 * one multi-row insert of the deliveries, then one pg-boss `insert` per job name (a multi-row
 * insert that fires at most one NOTIFY for the batch), for the deliveries not seen before.
 * Returns each entry's outcome, in order, as `recordAndEnqueue` would have for it alone: a
 * delivery id seen before, or seen earlier in the same batch, is a `redelivery` and enqueues
 * nothing; a job absorbed by a queued job with the same singleton key (queued before, or earlier
 * in the batch) leaves its entry `already-queued`.
 * With `enqueueFunctions`, all of that is one statement that commits alone: on a PostgreSQL
 * server one round trip per batch instead of four (BEGIN, two inserts, COMMIT), which at ten
 * deliveries in flight was most of a delivery's wait; on PGlite, less work per statement. Else
 * (or when a queue's insert cannot run that way) the four statements: on a server (`pool`) as
 * named prepared statements, pg-boss's job insert parsed and planned once per connection instead
 * of once per batch; on PGlite through kysely.
 * All or nothing: throws what the database or the queue throws, and then nothing of the batch
 * was stored (the caller writes each entry alone to find the one at fault).
 */
export async function recordAndEnqueueBatch(
  deps: BatchDependencies,
  entries: readonly IntakeEntry[],
): Promise<EnqueueOutcome[]> {
  if (entries.length === 0) return [];
  // The first entry with an id is the delivery; any later one with that id is its redelivery.
  const firstWithId = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!firstWithId.has(entry.delivery.id)) firstWithId.set(entry.delivery.id, index);
  });
  const deliveries = [...firstWithId.values()].map((index) => entries[index]!.delivery);

  // Ids chosen here, so the ids pg-boss returns (the rows not absorbed) name their entries.
  const jobIdsOf = entries.map(() => [] as string[]);
  const byName = new Map<JobName, JobsOfQueue>();
  for (const index of firstWithId.values()) {
    const entry = entries[index]!;
    for (const job of entry.jobs) {
      const id = randomUUID();
      jobIdsOf[index]!.push(id);
      const queue = byName.get(job.name) ?? { jobs: [], deliveryIds: [] };
      queue.jobs.push({
        id,
        data: job.payload,
        ...(job.singletonKey === undefined ? {} : { singletonKey: job.singletonKey }),
      });
      queue.deliveryIds.push(entry.delivery.id);
      byName.set(job.name, queue);
    }
  }

  const written =
    (deps.enqueueFunctions
      ? await writeInOneStatement(
          statementRunner(deps),
          deps.enqueueFunctions,
          deps.boss,
          deliveries,
          byName,
        )
      : null) ??
    (await writeInTransaction(
      deps.pool ? inPreparedTransaction(deps.pool) : inKyselyTransaction(deps.db),
      deps.boss,
      deliveries,
      byName,
    ));
  return entries.map((entry, index): EnqueueOutcome => {
    const id = entry.delivery.id;
    if (!written.recorded.has(id) || firstWithId.get(id) !== index) return "redelivery";
    return jobIdsOf[index]!.some((job) => written.queued.has(job)) ? "queued" : "already-queued";
  });
}

/** One queue's jobs of a batch, and the delivery each came with. */
type JobsOfQueue = { jobs: JobInsert[]; deliveryIds: string[] };

/** What a batch stored: the delivery ids recorded, and the ids of the jobs queued. */
type Written = { recorded: Set<string>; queued: Set<string> };

/**
 * The batch as one statement, committed on its own, one round trip: the deliveries' insert, then
 * each queue's jobs through a function that runs pg-boss's insert, given only the jobs of the
 * deliveries that insert recorded. Resolves with null when a queue's insert cannot run that way
 * (captureJobInsert or create-enqueue-functions.ts refused it); nothing was written then.
 */
async function writeInOneStatement(
  run: RunStatement,
  functions: EnqueueFunctions,
  boss: PgBoss,
  deliveries: readonly { id: string; event: string }[],
  byName: ReadonlyMap<JobName, JobsOfQueue>,
): Promise<Written | null> {
  const queues = [...byName.values()];
  const captured = await Promise.allSettled(
    [...byName].map(([name, queue]) => captureJobInsert(boss, name, queue.jobs)),
  );
  const inserts = captured.flatMap((result) =>
    result.status === "fulfilled" ? [result.value] : [],
  );
  // Every insert captured is settled, so none is left waiting.
  const cancel = (error: unknown) =>
    Promise.all(inserts.map((insert) => insert.settle({ error }).catch(() => undefined)));
  // The ordinary way then says what failed (an unknown queue), or works (a pg-boss of another shape).
  if (inserts.length < captured.length) {
    await cancel(new Error("enqueued the ordinary way"));
    return null;
  }
  let names: (string | null)[];
  try {
    names = await Promise.all(inserts.map((insert) => functions.nameFor(insert.text)));
  } catch (error) {
    await cancel(error);
    throw error;
  }
  if (names.includes(null)) {
    await cancel(new Error("enqueued the ordinary way"));
    return null;
  }
  const statement = batchStatement(names as string[]);
  const values = [
    deliveries.map(({ id }) => toStorableText(id)),
    deliveries.map(({ event }) => toStorableText(event)),
    ...inserts.flatMap((insert, part) => [
      insert.payload,
      queues[part]!.deliveryIds.map(toStorableText),
    ]),
  ];
  let rows: { part: number; id: string }[];
  try {
    rows = await run<{ part: number; id: string }>(statement, values);
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_FUNCTION)
      names.forEach((name) => functions.forget(name!));
    await cancel(error);
    throw error;
  }
  const recorded = new Set(rows.filter((row) => row.part === -1).map((row) => row.id));
  const queued = new Set(
    (
      await Promise.all(
        inserts.map((insert, part) =>
          insert.settle({ rows: rows.filter((row) => row.part === part) }),
        ),
      )
    ).flat(),
  );
  return { recorded, queued };
}

const UNDEFINED_FUNCTION = "42883";

/** Runs a statement with its values and resolves with its rows. */
type RunStatement = <R extends Record<string, unknown>>(
  statement: { name: string; text: string },
  values: unknown[],
) => Promise<R[]>;

/** On a PostgreSQL server, a named prepared statement on the pool; on PGlite, through kysely. */
function statementRunner(deps: BatchDependencies): RunStatement {
  const { pool, db } = deps;
  if (pool) return async (statement, values) => (await pool.query({ ...statement, values })).rows;
  return async <R>(statement: { text: string }, values: unknown[]) =>
    (await db.executeQuery<R>(CompiledQuery.raw(statement.text, values))).rows;
}

/** The statements made so far, by their functions' names (one per mix of queues in a batch). */
const batchStatements = new Map<string, { name: string; text: string }>();

/**
 * The batch's statement for these functions, in this order: the deliveries ($1, $2), then for
 * each queue its jobs ($3, $5, ...) and the delivery of each job ($4, $6, ...). Each function gets
 * only the jobs of the deliveries recorded (not seen before); the rows are the delivery ids
 * recorded (part -1) and each queue's jobs inserted (part = its place).
 */
function batchStatement(functionNames: readonly string[]): { name: string; text: string } {
  const key = functionNames.join(",");
  let statement = batchStatements.get(key);
  if (!statement) {
    const text = [
      RECORD_DELIVERIES,
      "SELECT -1 AS part, delivery_id AS id FROM recorded",
      ...functionNames.map(
        (name, part) => `UNION ALL
SELECT ${part} AS part, job::text AS id FROM ${name}((
  SELECT coalesce(json_agg(job ORDER BY n), '[]')::text
  FROM json_array_elements($${3 + 2 * part}::text::json) WITH ORDINALITY AS jobs (job, n)
  WHERE ($${4 + 2 * part}::text[])[n] IN (SELECT delivery_id FROM recorded)
)) AS job`,
      ),
    ].join("\n");
    statement = { name: statementName(text), text };
    batchStatements.set(key, statement);
  }
  return statement;
}

/** Resolved through the connection's search_path, as kysely's statements are. */
const RECORD_DELIVERIES = `WITH recorded AS (
  INSERT INTO webhook_deliveries (delivery_id, event)
  SELECT * FROM unnest($1::text[], $2::text[])
  ON CONFLICT (delivery_id) DO NOTHING
  RETURNING delivery_id
)`;

/** The batch in a transaction: the deliveries' insert, then pg-boss's insert per queue. */
async function writeInTransaction(
  inTransaction: InTransaction,
  boss: PgBoss,
  deliveries: readonly { id: string; event: string }[],
  byName: ReadonlyMap<JobName, JobsOfQueue>,
): Promise<Written> {
  return inTransaction(async (session) => {
    const recorded = new Set(await session.insertDeliveries(deliveries));
    const queued = new Set<string>();
    for (const [name, queue] of byName) {
      const jobs = queue.jobs.filter((_, index) => recorded.has(queue.deliveryIds[index]!));
      if (jobs.length === 0) continue;
      const ids = await boss.insert(name, jobs, { db: session.queue, returnId: true });
      for (const id of ids ?? []) queued.add(id);
    }
    return { recorded, queued };
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
  return client.query<R>({ name: statementName(text), text, values });
}

const statementName = (text: string) =>
  `revue-${createHash("sha1").update(text).digest("base64url")}`;
