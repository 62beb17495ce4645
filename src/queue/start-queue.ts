import { fromPglite, PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { DatabaseHandle } from "../db/open-database.ts";
import { deadLetterQueueOf, QUEUES, type JobName } from "./jobs.ts";

/**
 * How often the supervisor fails jobs whose heartbeat stopped (and expires timed-out ones). pg-boss
 * checks every 60 s by default, which alone would leave a dead process's job `active` for up to
 * 70 s; one statement per queue every 10 s, taken by one process of many, is cheap.
 */
const SUPERVISE_SECONDS = 10;

export type QueueOptions = {
  /** The schema pg-boss keeps its tables in. */
  schema?: string;
  /** Overrides every queue's retry delay (tests use 0 to retry at once). */
  retryDelaySeconds?: number;
  /**
   * False for short-lived processes (AWS Lambda): no supervisor, no cron, no LISTEN connection,
   * a pool of one; nothing keeps running between invocations. Default true.
   */
  background?: boolean;
  log: Logger;
};

/**
 * Starts pg-boss on the same database as everything else and creates Revue's queues and their
 * dead-letter queues. Idempotent: safe from several processes at once (pg-boss migrates under an
 * advisory lock; an existing queue is updated, not recreated).
 */
export async function startQueue(handle: DatabaseHandle, options: QueueOptions): Promise<PgBoss> {
  const schema = options.schema ?? "pgboss";
  const background = options.background ?? true;
  const boss =
    handle.kind === "pglite"
      ? new PgBoss({
          db: fromPglite(handle.pglite!),
          backend: "pglite",
          schema,
          supervise: background,
          schedule: background,
          superviseIntervalSeconds: SUPERVISE_SECONDS,
          monitorIntervalSeconds: SUPERVISE_SECONDS,
          registerInstance: false,
        })
      : new PgBoss({
          connectionString: handle.connectionString!,
          schema,
          max: background ? 4 : 1,
          connectionTimeoutMillis: 5000,
          useListenNotify: background,
          superviseIntervalSeconds: SUPERVISE_SECONDS,
          monitorIntervalSeconds: SUPERVISE_SECONDS,
          ...(background ? {} : { supervise: false, schedule: false }),
          application_name: "revue-queue",
        });
  boss.on("error", (error) => options.log.error({ err: error }, "queue error"));
  boss.on("warning", (warning) => options.log.warn({ warning }, "queue warning"));
  await boss.start();

  for (const [name, definition] of Object.entries(QUEUES) as [
    JobName,
    (typeof QUEUES)[JobName],
  ][]) {
    const deadLetter = deadLetterQueueOf(name);
    const settings = { ...definition };
    if (options.retryDelaySeconds !== undefined) {
      settings.retryDelay = options.retryDelaySeconds;
      settings.retryBackoff = false;
      delete settings.retryDelayMax;
    }
    if (!(await boss.getQueue(deadLetter))) {
      await boss.createQueue(deadLetter, {
        retentionSeconds: 30 * 24 * 3600,
        deleteAfterSeconds: 30 * 24 * 3600,
      });
    }
    if (await boss.getQueue(name)) {
      const { policy: _policy, ...changeable } = settings;
      await boss.updateQueue(name, { ...changeable, deadLetter });
    } else {
      await boss.createQueue(name, { ...settings, deadLetter });
    }
  }
  return boss;
}
