import type { PgBoss } from "pg-boss";
import { afterEach, beforeEach } from "vitest";
import type { JobToEnqueue } from "../../src/handlers/intake-entry.ts";
import { startQueue } from "../../src/queue/start-queue.ts";
import { silentLogger } from "./silent-logger.ts";
import { createTestDatabase, type Backend } from "./test-database.ts";

export type QueueDatabase = {
  handle: Awaited<ReturnType<typeof createTestDatabase>>;
  boss: PgBoss;
};

/**
 * A fresh migrated database with pg-boss started on it, for each test of the calling `describe`
 * (retries at once), stopped and dropped after it. Read the fields inside a test or a hook.
 */
export function useQueueDatabase(backend: Backend): QueueDatabase {
  const current = {} as QueueDatabase;
  beforeEach(async () => {
    current.handle = await createTestDatabase(backend);
    current.boss = await startQueue(current.handle, {
      log: silentLogger(),
      schema: current.handle.queueSchema,
      retryDelaySeconds: 0,
    });
    // The first test of a run migrates the shared PGlite template, slow on a busy machine.
  }, 180_000);
  afterEach(async () => {
    await current.boss.stop({ graceful: false, close: true, timeout: 1000 });
    await current.handle.close();
  });
  return current;
}

/** A review job for pull request `pullNumber` of repository 10, with its singleton key. */
export const reviewToEnqueue = (deliveryId: string, pullNumber: number): JobToEnqueue => ({
  name: "review-pull-request",
  singletonKey: `10#${pullNumber}`,
  payload: {
    installationId: 1,
    repositoryId: 10,
    owner: "octo",
    repo: "demo",
    pullNumber,
    trigger: "opened",
    mode: "full",
    deliveryId,
    headSha: "a".repeat(40),
  },
});
