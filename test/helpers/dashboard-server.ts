import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware } from "probot";
import { createApp, type AppDependencies } from "../../src/app/create-app.ts";
import { guardWebhookRequests } from "../../src/app/guard-webhook-requests.ts";
import { readConfig } from "../../src/config/read-config.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { createTestProbot, WEBHOOK_SECRET } from "./revue-harness.ts";
import { silentLogger } from "./silent-logger.ts";
import { createTestDatabase, type Backend } from "./test-database.ts";
import { testPrivateKey } from "./test-keys.ts";

export type DashboardServer = {
  url: string;
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  close(): Promise<void>;
};

/**
 * Revue's web process as `npm start` builds it (createApp behind Probot's middleware, with the
 * webhook guard in front that reads POST bodies first), on a fresh database, with `env` added to
 * the configuration (GHE_HOST pointing at a stand-in GitHub, the OAuth client...).
 */
export async function startDashboardServer(
  backend: Backend,
  env: Record<string, string>,
  dashboardPages: AppDependencies["dashboardPages"],
): Promise<DashboardServer> {
  const log = silentLogger();
  const db = await createTestDatabase(backend);
  const boss = await startQueue(db, { log, schema: db.queueSchema, background: false });
  const config = readConfig({
    NODE_ENV: "test",
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET,
    ...env,
  });
  const probot = createTestProbot(log);
  const middleware = await createNodeMiddleware(
    createApp({ config, db: db.db, boss, queueSchema: db.queueSchema, dashboardPages }),
    { probot, webhooksPath: "/api/github/webhooks" },
  );
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  guardWebhookRequests(server, {
    verify: (payload, signature) => probot.webhooks.verify(payload, signature),
    log,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await boss.stop({ graceful: false, close: true }).catch(() => {});
      await db.close();
    },
  };
}
