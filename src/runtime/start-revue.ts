import type { AddressInfo } from "node:net";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { Server, type Probot, type ProbotOctokit } from "probot";
import { createApp, type AppDependencies } from "../app/create-app.ts";
import {
  createGroupCommitIntake,
  type GroupCommitIntake,
} from "../handlers/group-commit-intake.ts";
import { guardWebhookRequests } from "../app/guard-webhook-requests.ts";
import { ConfigError, readConfig, type Config } from "../config/read-config.ts";
import type { DatabaseHandle } from "../db/open-database.ts";
import type { Metrics } from "../metrics/create-metrics.ts";
import { serveMetrics } from "../app/serve-metrics.ts";
import { browserUrl, startSetupServer } from "../setup/start-setup-server.ts";
import { buildRuntime, type Runtime } from "./build-runtime.ts";
import { createProbotClass } from "./create-probot-class.ts";
import { collectStartGarbage } from "./collect-start-garbage.ts";
import { createLogger } from "./create-logger.ts";
import { startWorkers, type WorkerDependencies } from "./start-workers.ts";

export type Role = "all" | "web" | "worker";

export type StartOptions = {
  env?: NodeJS.ProcessEnv;
  role?: Role;
  log?: Logger;
  /** Tests pass an Octokit class with throttling and retries off. */
  Octokit?: typeof ProbotOctokit;
  /** Passed through to the workers (model client, clock); a client given here is not built. */
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
  /**
   * Stops taking work, gives running jobs the shutdown grace (REVUE_SHUTDOWN_GRACE_SECONDS) and hands
   * back what is still running, closes the database. Resolves within the grace and a few seconds.
   */
  stop(): Promise<void>;
};

/**
 * Starts Revue as a long-running process: reads configuration, then either serves the setup page
 * (no App credentials yet) or builds the runtime (build-runtime.ts: database, migrations, queue,
 * clients) and starts the HTTP server (role web/all) and the workers (role worker, or all with
 * REVUE_WORKERS=true). Throws ConfigError or DatabaseUnavailableError with a message for the operator.
 */
export async function startRevue(options: StartOptions = {}): Promise<Revue> {
  const role = options.role ?? "all";
  const config = readConfig(options.env);
  const log = options.log ?? createLogger(config.logLevel, undefined, config.logFormat);

  if (role !== "worker" && (!config.github.appId || !config.github.privateKey)) {
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
  if (!config.github.appId || !config.github.privateKey) {
    throw new ConfigError(
      "Workers need APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) to act on GitHub.",
    );
  }

  // The web server listens first, so /health answers and a person sees Revue up at once while the
  // database is opened and migrated (seconds for a new embedded one); deliveries arriving meanwhile
  // wait in their handlers for it (create-app.ts).
  const ProbotWithDefaults = createProbotClass({ config, log, Octokit: options.Octokit });
  let appDependencies: ((deps: AppDependencies) => void) | undefined;
  let server: Server | undefined;
  if (role !== "worker") {
    server = new Server({
      Probot: ProbotWithDefaults,
      host: config.http.host,
      port: config.http.port,
      // Local development: relay deliveries from a smee.io channel (README, "First review").
      webhookProxy: config.github.webhookProxyUrl,
      log,
    });
    await server.load(createApp(new Promise((resolve) => (appDependencies = resolve))));
    // The server's own Probot: its handlers get the deliveries the guard below has checked.
    let app: Probot | undefined;
    await server.load((loaded) => void (app = loaded));
    const httpServer = await server.start();
    // Before Probot's middleware reads a body of any size: the limit, then the signature.
    // Probot makes its webhooks asynchronously: ready() waits for them.
    await app!.ready();
    const { webhooks } = app!;
    guardWebhookRequests(httpServer, {
      verify: (payload, signature) => webhooks.verify(payload, signature),
      receive: (event) => webhooks.receive(event as Parameters<typeof webhooks.receive>[0]),
      webhookPaths: ["/", "/api/github/webhooks"],
      log,
    });
    const { port } = httpServer.address() as AddressInfo;
    log.info(
      `listening at ${browserUrl(config.http.host, port)}; opening the database (/ready answers 200 once it is ready)`,
    );
  }

  let runtime: Runtime;
  try {
    runtime = await buildRuntime({
      config,
      log,
      migrate: true,
      queueInBackground: true,
      Octokit: options.Octokit,
      clients: options.workerOverrides,
      ProbotWithDefaults,
    });
  } catch (error) {
    await server?.stop();
    throw error;
  }
  const { database, boss, metrics } = runtime;

  let intake: GroupCommitIntake | undefined;
  if (server && appDependencies) {
    intake = createGroupCommitIntake(
      { db: database.db, boss, log, pool: database.pool },
      // PGlite has one connection: a second batch would only wait for it.
      { batchMs: config.intake.batchMs, maxInFlight: database.kind === "pglite" ? 1 : 2 },
    );
    appDependencies({ config, db: database.db, boss, metrics, intake });
    log.info(
      `Revue is up: webhooks at ${browserUrl(config.http.host, server.port)}/ (and /api/github/webhooks), health at /health and /ready`,
    );
  }

  let stopWorkers = async () => {};
  if (role === "worker" || (role === "all" && config.workers.inProcess)) {
    if (!config.model.configured && !options.workerOverrides?.model) {
      log.warn(
        "ANTHROPIC_API_KEY is not set: every review will end with a check run saying so. Set it (in .env or the environment) and restart.",
      );
    }
    stopWorkers = await startWorkers({ ...runtime.workerDependencies, ...options.workerOverrides });
  }
  const collected = collectStartGarbage();
  if (collected) {
    log.debug(
      `the start's garbage collected: V8 heap ${mib(collected.usedBefore)} → ${mib(collected.usedAfter)} MiB in ${collected.ms.toFixed(0)} ms`,
    );
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
      log.info(
        { graceSeconds: config.workers.shutdownGraceSeconds },
        "stopping: no new work taken, running jobs finish within the grace or are handed back",
      );
      // Deliveries waiting for their batch are written now, and any that still arrives at once:
      // the requests the server finishes below are answered after their commit, before the
      // database closes.
      const intakeClosed = intake?.close();
      await server?.stop();
      await intakeClosed;
      await metricsServer?.close();
      await stopWorkers();
      await runtime.close();
      log.info("stopped");
    })());

  return { config, server, database, boss, setupMode: false, metrics, stop };
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
