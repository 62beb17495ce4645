import type { PgBoss } from "pg-boss";
import { deadLetterQueueOf, QUEUES, type JobName } from "./jobs.ts";
import type { Metrics } from "../metrics/create-metrics.ts";

export type QueueMetricsSource = {
  boss: PgBoss;
  /** The schema pg-boss keeps its tables in (`pgboss` unless configured otherwise). */
  schema: string;
};

/**
 * Reads, per queue, the jobs queued (created or waiting to retry), active and dead-lettered, and
 * the age of the oldest job ready to run, into the gauges. Called when `/metrics` is scraped, so the
 * numbers are current (pg-boss's own queue counts are a cache refreshed by its supervisor) and
 * nothing polls in between. Throws when the database does not answer.
 */
export async function collectQueueMetrics(
  metrics: Metrics,
  source: QueueMetricsSource,
): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/i.test(source.schema)) {
    throw new Error(`queue schema name "${source.schema}" is not a plain identifier`);
  }
  const names = Object.keys(QUEUES) as JobName[];
  const deadNames = names.map(deadLetterQueueOf);
  const { rows } = await source.boss.getDb().executeSql(
    `SELECT name,
            count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS queued,
            count(*) FILTER (WHERE state = 'active')::int AS active,
            count(*)::int AS total,
            EXTRACT(EPOCH FROM (now() - min(created_on)
              FILTER (WHERE state IN ('created', 'retry') AND start_after <= now())))::float8 AS age
       FROM "${source.schema}".job
      WHERE name = ANY($1::text[])
      GROUP BY name`,
    [[...names, ...deadNames]],
  );
  const byName = new Map(
    (rows as { name: string; queued: number; active: number; total: number; age: unknown }[]).map(
      (row) => [row.name, row],
    ),
  );
  for (const name of names) {
    const row = byName.get(name);
    metrics.queueDepth.set({ queue: name, state: "queued" }, Number(row?.queued ?? 0));
    metrics.queueDepth.set({ queue: name, state: "active" }, Number(row?.active ?? 0));
    metrics.queueDepth.set(
      { queue: name, state: "dead_lettered" },
      Number(byName.get(deadLetterQueueOf(name))?.total ?? 0),
    );
    metrics.oldestJobAge.set({ queue: name }, Math.max(0, Number(row?.age ?? 0) || 0));
  }
}
