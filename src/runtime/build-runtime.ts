import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Probot, ProbotOctokit } from "probot";
import { ConfigError, type Config } from "../config/read-config.ts";
import { openDatabase, type DatabaseHandle } from "../db/open-database.ts";
import { createMetrics, type Metrics } from "../metrics/create-metrics.ts";
import { startQueue } from "../queue/start-queue.ts";
import { createClients, type Clients } from "./create-clients.ts";
import { createProbotClass } from "./create-probot-class.ts";
import type { WorkerDependencies } from "./create-job-handlers.ts";
import { migrateOrThrow, newDatabaseContents } from "./new-database-contents.ts";

export type RuntimeOptions = {
  config: Config;
  log: Logger;
  /** Apply pending migrations before anything uses the database (a Lambda leaves it to deploys). */
  migrate: boolean;
  /** False for short-lived processes (AWS Lambda): pg-boss runs no timers between invocations. */
  queueInBackground: boolean;
  /** Tests pass an Octokit class with throttling and retries off. */
  Octokit?: typeof ProbotOctokit;
  /** Clients to use instead of building them from configuration (tests pass fakes). */
  clients?: Partial<Clients>;
  /** The Probot class when the caller made it first (a web server listening before the database). */
  ProbotWithDefaults?: typeof Probot;
};

/** Every client Revue uses, built once from configuration. */
export type Runtime = {
  config: Config;
  log: Logger;
  database: DatabaseHandle;
  boss: PgBoss;
  /** Probot with the App's credentials as defaults: the HTTP server makes its instance from it. */
  ProbotWithDefaults: typeof Probot;
  /** A Probot with the App's credentials: workers authenticate with it, a Lambda receives with it. */
  probot: Probot;
  metrics: Metrics;
  /** What the job handlers are built from: the clients above, and the models and embedder. */
  workerDependencies: WorkerDependencies;
  /**
   * Stops the queue and closes the database. Workers are stopped first (startWorkers' stop hands
   * their jobs back after the grace); a handler still running 1 s later has its job failed, so it
   * retries.
   */
  close(): Promise<void>;
};

/**
 * The composition root shared by `npm start`/`npm run worker` (start-revue.ts) and the AWS Lambda
 * functions (src/lambda): opens the database (migrating it when asked), starts the queue, and
 * builds Probot, the metrics, the models and the embedder, each once. Nothing else constructs a
 * client. Needs the App's id and private key (ConfigError otherwise); throws
 * DatabaseUnavailableError when the database cannot be opened, and leaves nothing open on failure.
 */
export async function buildRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, log } = options;
  const { appId, privateKey } = config.github;
  if (!appId || !privateKey) {
    throw new ConfigError(
      "Revue needs APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) to act on GitHub.",
    );
  }
  const database = await openDatabase(config.database, {
    log,
    newDatabase: newDatabaseContents(log),
  });
  // Each step of a start at debug level: their times are where a slow start went (bench/startup.ts).
  log.debug("database open");
  let boss: PgBoss;
  try {
    // A new embedded database already holds every migration (its template's or its own): the
    // migrator finds nothing to do there, and stays the one that makes the schema right.
    if (options.migrate) {
      await migrateOrThrow(database.db);
      log.debug("database migrated");
    }
    boss = await startQueue(database, { log, background: options.queueInBackground });
    log.debug("queue started");
  } catch (error) {
    await database.close();
    throw error;
  }

  const ProbotWithDefaults =
    options.ProbotWithDefaults ?? createProbotClass({ config, log, Octokit: options.Octokit });
  const probot = new ProbotWithDefaults({});
  const metrics = createMetrics();
  const clients = createClients(config, log, options.clients);

  return {
    config,
    log,
    database,
    boss,
    ProbotWithDefaults,
    probot,
    metrics,
    workerDependencies: { config, db: database.db, boss, log, probot, metrics, ...clients },
    close: async () => {
      await boss.stop({ graceful: true, timeout: 1000, close: true });
      await database.close();
    },
  };
}
