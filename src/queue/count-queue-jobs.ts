import { sql } from "kysely";
import type { Database } from "../db/open-database.ts";
import { deadLetterQueueOf, QUEUES, type JobName } from "./jobs.ts";

export type QueueCounts = Record<JobName, { queued: number; active: number; deadLettered: number }>;

/**
 * Counts each of Revue's queues as it stands now: jobs queued (created, or waiting to retry),
 * active, and in its dead-letter queue. Read from pg-boss's job table in `schema` rather than from
 * `getQueue()`, whose counts are a cache the supervisor refreshes about once a minute (a job that
 * just started, or whose process just died, would not show). One grouped statement on the
 * (name, state) prefix of pg-boss's own indexes: it reads the live jobs and the dead-lettered ones,
 * never the completed history. Throws when the database does not answer.
 */
export async function countQueueJobs(db: Database, schema: string): Promise<QueueCounts> {
  const names = Object.keys(QUEUES) as JobName[];
  const deadNames = names.map(deadLetterQueueOf);
  const { rows } = await sql<{ name: string; state: string; count: number }>`
    SELECT name, state::text AS state, count(*)::int AS count
      FROM ${sql.table(`${schema}.job`)}
     WHERE (name = ANY(${names}::text[]) AND state IN ('created', 'retry', 'active'))
        OR name = ANY(${deadNames}::text[])
     GROUP BY name, state`.execute(db);
  const counts = Object.fromEntries(
    names.map((name) => [name, { queued: 0, active: 0, deadLettered: 0 }]),
  ) as QueueCounts;
  const byDeadName = new Map(names.map((name) => [deadLetterQueueOf(name), name]));
  for (const row of rows) {
    const deadOf = byDeadName.get(row.name);
    if (deadOf) counts[deadOf].deadLettered += Number(row.count);
    else if (row.state === "active") counts[row.name as JobName].active += Number(row.count);
    else counts[row.name as JobName].queued += Number(row.count);
  }
  return counts;
}
