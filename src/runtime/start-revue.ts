import { getPrivateKey } from "@probot/get-private-key";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { Probot, ProbotOctokit, Server } from "probot";
import { createApp } from "../app/create-app.ts";
import { ConfigError, readConfig, type Config } from "../config/read-config.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { openDatabase, type DatabaseHandle } from "../db/open-database.ts";
import { startQueue } from "../queue/start-queue.ts";
import { createMetrics, type Metrics } from "../metrics/create-metrics.ts";
import { serveMetrics } from "../app/serve-metrics.ts";
import { startSetupServer } from "../setup/start-setup-server.ts";
import { createLogger } from "./create-logger.ts";
import { startWorkers, type WorkerDependencies } from "./start-workers.ts";

export type Role = "all" | "web" | "worker";

export type StartOptions = {
  env?: NodeJS.ProcessEnv;
  role?: Role;
  log?: Logger;
  /** Tests pass an Octokit class with throttling and retries off. */
  Octokit?: typeof ProbotOctokit;
  /** Passed through to the workers (model client, clock). */
  workerOverrides?: Partial<WorkerDependencies>;
};

export type Revue = {
  config: Config;
  /** The HTTP server, when this process serves webhooks. */
  server: Server | undefined;
  database: DatabaseHandle | undefined;
  boss: PgBoss | undefined;
  /** True when the App has no credentials yet and the setup page is served instead. */
  setupMode: boolean;
  /** The Prometheus metrics this process records (undefined in setup mode). */
  metrics?: Metrics;
  /** Stops taking work, lets running jobs finish (or hands them back), closes the database. */
  stop(): Promise<void>;
};

/**
 * The composition root: reads configuration, opens the database, migrates, starts the queue, the
 * HTTP server (role web/all) and the workers (role worker, or all with REVUE_WORKERS=true).
 * Throws ConfigError or DatabaseUnavailableError with a message for the operator.
 */
export async function startRevue(options: StartOptions = {}): Promise<Revue> {
  const env = options.env ?? process.env;
  const role = options.role ?? "all";
  const config = readConfig(env);
  const log = options.log ?? createLogger(config.logLevel, undefined, config.logFormat);
  const privateKey = readPrivateKey(env);

  if (role !== "worker" && (!config.github.appId || !privateKey)) {
    // No App yet: serve Probot's one-click setup page (the manifest flow), nothing else.
    log.info("no APP_ID/PRIVATE_KEY: starting the setup page");
    const server = await startSetupServer({ config, log });
    return {
      config,
      server,
      database: undefined,
      boss: undefined,
      setupMode: true,
      stop: () => server.stop(),
    };
  }
  if (!config.github.appId || !privateKey) {
    throw new ConfigError(
      "Workers need APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) to act on GitHub.",
    );
  }

  const database = await openDatabase(config.database);
  try {
    const migration = await migrateToLatest(database.db);
    if (migration.error) {
      throw new Error(`Database migration failed: ${(migration.error as Error).message}`, {
        cause: migration.error,
      });
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const boss = await startQueue(database, { log });
  const metrics = createMetrics();

  const Octokit = options.Octokit ?? ProbotOctokit;
  const ProbotWithDefaults = Probot.defaults({
    appId: config.github.appId,
    privateKey,
    secret: config.github.webhookSecret ?? "development",
    baseUrl: config.github.apiBaseUrl,
    log,
    Octokit,
  });

  let server: Server | undefined;
  if (role !== "worker") {
    server = new Server({
      Probot: ProbotWithDefaults,
      host: config.http.host,
      port: config.http.port,
      // Local development: relay deliveries from a smee.io channel (README, "First review").
      webhookProxy: env.WEBHOOK_PROXY_URL || undefined,
      log,
    });
    await server.load(createApp({ config, db: database.db, boss, metrics }));
    await server.start();
  }

  let stopWorkers = async () => {};
  if (role === "worker" || (role === "all" && config.workers.inProcess)) {
    const probot = new ProbotWithDefaults({});
    stopWorkers = await startWorkers({
      config,
      db: database.db,
      boss,
      log,
      probot,
      metrics,
      ...options.workerOverrides,
    });
  }
  // A workers-only process has no web server: METRICS_PORT gives it a /metrics of its own.
  const metricsServer =
    role === "worker" && config.metrics.port !== undefined
      ? await serveMetrics(
          metrics,
          { boss, schema: "pgboss" },
          { host: config.http.host, port: config.metrics.port, log },
        )
      : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info("stopping: no new work taken, running jobs finish or are handed back");
      await server?.stop();
      await metricsServer?.close();
      await stopWorkers();
      await boss.stop({ graceful: true, timeout: 25_000, close: true });
      await database.close();
      log.info("stopped");
    })());

  return { config, server, database, boss, setupMode: false, metrics, stop };
}

/** The App's private key from PRIVATE_KEY or PRIVATE_KEY_PATH (Probot's rules), or undefined. */
function readPrivateKey(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return getPrivateKey({ env })?.toString() ?? undefined;
  } catch (error) {
    throw new ConfigError(`PRIVATE_KEY / PRIVATE_KEY_PATH: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
