import { fromPglite, getConstructionPlans, PgBoss, type Queue } from "pg-boss";
import type { Logger } from "pino";
import { installedVersion } from "../db/installed-version.ts";
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

  const definitions = queueDefinitions(options.retryDelaySeconds);
  // One read of every queue; a write only for what is missing or changed (each is a transaction,
  // and a start usually finds everything as it left it).
  const existing = new Map(
    (
      await boss.getQueues(definitions.flatMap(({ name, deadLetter }) => [name, deadLetter.name]))
    ).map((queue) => [queue.name, queue]),
  );
  for (const { name, settings, deadLetter } of definitions) {
    if (!existing.has(deadLetter.name)) {
      await boss.createQueue(deadLetter.name, deadLetter.settings);
    }
    const queue = existing.get(name);
    if (!queue) {
      await boss.createQueue(name, { ...settings, deadLetter: deadLetter.name });
      continue;
    }
    const { policy: _policy, ...changeable } = settings;
    const wanted: Record<string, unknown> = { ...changeable, deadLetter: deadLetter.name };
    const current = queue as unknown as Record<string, unknown>;
    if (Object.keys(wanted).some((key) => wanted[key] !== current[key])) {
      await boss.updateQueue(name, wanted);
    }
  }
  return boss;
}

/**
 * Creates pg-boss's schema and every queue in a new database, as startQueue would, and stops
 * without leaving anything running or any job behind: for a new embedded database's template.
 */
export async function createQueueSchema(handle: DatabaseHandle, log: Logger): Promise<void> {
  const boss = await startQueue(handle, { log, background: false });
  // Closes pg-boss's own pool, never a PGlite instance (pg-boss leaves that to its owner).
  await boss.stop({ graceful: false, close: true });
}

/**
 * What decides the queue's part of a new database, for its template's key: pg-boss's version and
 * schema, and every queue's settings.
 */
export function describeQueueSchema(schema = "pgboss"): string[] {
  return [
    `pg-boss@${installedVersion("pg-boss")}`,
    getConstructionPlans(schema),
    JSON.stringify(queueDefinitions()),
  ];
}

type QueueSettings = Omit<Queue, "name" | "deadLetter">;

/** Every queue startQueue makes, with its dead-letter queue. */
function queueDefinitions(retryDelaySeconds?: number): {
  name: JobName;
  settings: QueueSettings;
  deadLetter: { name: string; settings: QueueSettings };
}[] {
  return (Object.entries(QUEUES) as [JobName, QueueSettings][]).map(([name, definition]) => {
    const settings = { ...definition };
    if (retryDelaySeconds !== undefined) {
      settings.retryDelay = retryDelaySeconds;
      settings.retryBackoff = false;
      delete settings.retryDelayMax;
    }
    return {
      name,
      settings,
      deadLetter: {
        name: deadLetterQueueOf(name),
        settings: { retentionSeconds: 30 * 24 * 3600, deleteAfterSeconds: 30 * 24 * 3600 },
      },
    };
  });
}
