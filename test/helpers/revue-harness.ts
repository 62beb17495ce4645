import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { createApp } from "../../src/app/create-app.ts";
import { readConfig, type Config } from "../../src/config/read-config.ts";
import { createGroupCommitIntake } from "../../src/handlers/group-commit-intake.ts";
import type { ReviewModel } from "../../src/review/review-model.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { startWorkers, type WorkerDependencies } from "../../src/runtime/start-workers.ts";
import { sendWebhook } from "./sign-webhook.ts";
import { silentLogger } from "./silent-logger.ts";
import { createTestDatabase, type Backend } from "./test-database.ts";
import { testPrivateKey } from "./test-keys.ts";

export const WEBHOOK_SECRET = "test-webhook-secret";
export const ANTHROPIC_TEST_URL = "https://api.anthropic.test";
export const ANTHROPIC_TEST_KEY = "sk-ant-test-0123456789abcdefghijklmnop";

/**
 * Probot's Octokit with throttling and retries off. Probot overrides options given to
 * `defaults` as an object (probot/probot#2039), so this passes a function that edits its options.
 */
export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object), enabled: false },
  retry: { enabled: false },
}));

export type Harness = {
  config: Config;
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  boss: PgBoss;
  probot: Probot;
  url: string;
  send(event: string, payload: unknown, deliveryId?: string): Promise<Response>;
  /** Starts the workers (separately, so a test can enqueue first). */
  startWorkers(overrides?: Partial<WorkerDependencies>): Promise<void>;
  close(): Promise<void>;
};

export type HarnessOptions = {
  /**
   * False: pg-boss as the AWS Lambda functions run it (no supervisor, no cron, one connection),
   * for tests that drive the queue themselves. Default true, as the long-running server.
   */
  queue?: { background?: boolean };
};

/** A Probot with the test App's id, key and webhook secret, and no app loaded. */
export function createTestProbot(log: Logger): Probot {
  return new Probot({
    appId: 1,
    privateKey: testPrivateKey(),
    secret: WEBHOOK_SECRET,
    Octokit: TestOctokit,
    log,
  });
}

/**
 * Revue as it runs, minus the process: a real database (PGlite or the test server), the real
 * queue, the Probot app behind a real HTTP server with signature verification, and the workers.
 * GitHub (api.github.com) and Anthropic (ANTHROPIC_TEST_URL) are left for the test to fake with nock.
 */
export async function createHarness(
  backend: Backend,
  env: Record<string, string> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const log = silentLogger();
  const db = await createTestDatabase(backend);
  const boss = await startQueue(db, {
    log,
    schema: db.queueSchema,
    retryDelaySeconds: 0,
    background: options.queue?.background,
  });
  const config = readConfig({
    NODE_ENV: "test",
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET,
    ANTHROPIC_API_KEY: ANTHROPIC_TEST_KEY,
    ANTHROPIC_BASE_URL: ANTHROPIC_TEST_URL,
    REVUE_QUEUE_POLL_SECONDS: "0.5",
    REVUE_MODEL_MAX_RETRIES: "1",
    ...env,
  });
  const probot = createTestProbot(log);
  // Deliveries are stored as `npm start` stores them: in batches (group commit).
  const intake = createGroupCommitIntake(
    { db: db.db, boss, log, pool: db.pool },
    { batchMs: config.intake.batchMs, maxInFlight: db.kind === "pglite" ? 1 : 2 },
  );
  const middleware = await createNodeMiddleware(
    createApp({ config, db: db.db, boss, queueSchema: db.queueSchema, intake }),
    {
      probot,
      webhooksPath: "/api/github/webhooks",
    },
  );
  const server: Server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopWorkers = async () => {};

  return {
    config,
    db,
    boss,
    probot,
    url,
    send: (event, payload, deliveryId) =>
      sendWebhook(`${url}/api/github/webhooks`, event, payload, {
        secret: WEBHOOK_SECRET,
        deliveryId,
      }),
    startWorkers: async (overrides = {}) => {
      stopWorkers = await startWorkers({
        config,
        db: db.db,
        boss,
        log,
        probot,
        queueSchema: db.queueSchema,
        ...overrides,
      });
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await intake.close();
      await stopWorkers();
      await boss.stop({ graceful: false, close: true, timeout: 2000 });
      await db.close();
    },
  };
}

export type { ReviewModel };
