import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createPglite } from "../../src/db/open-database.ts";
import { pullRequestOpened } from "../helpers/fixtures.ts";
import { sendWebhook } from "../helpers/sign-webhook.ts";
import { spawnRevue } from "../helpers/spawn-revue.ts";
import { backends } from "../helpers/test-database.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { waitFor } from "../helpers/wait-for.ts";

const pullRequest = (number: number) => {
  const payload = pullRequestOpened();
  payload.number = number;
  payload.pull_request.number = number;
  return payload;
};

describe.runIf(backends.includes("postgres"))("deliveries stored together (postgres)", () => {
  const { harness } = useHarness("postgres");

  it("answers none of many simultaneous deliveries before the commit that stores them", async () => {
    const { db, schema } = harness().db;
    // A deferred trigger makes every COMMIT that stored a delivery wait for a lock held here.
    const key = 800_000 + Math.floor(Math.random() * 100_000);
    await sql
      .raw(
        `create function hold_commit() returns trigger language plpgsql as $$
           begin perform pg_advisory_xact_lock(${key}); return null; end $$;
         create constraint trigger hold_commit after insert on webhook_deliveries
           deferrable initially deferred for each row execute function hold_commit();`,
      )
      .execute(db);
    const holder = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("select pg_advisory_lock($1)", [key]);
      let answered = 0;
      const responses = Array.from({ length: 12 }, (_, i) =>
        harness()
          .send("pull_request", pullRequest(i + 1), `together-${i}`)
          .then((response) => {
            answered += 1;
            return response.status;
          }),
      );
      const stored = async () =>
        (await holder.query(`select count(*)::int as n from ${schema}.webhook_deliveries`)).rows[0]
          .n as number;
      // Every batch has written its rows and waits in COMMIT (two batches at most in flight).
      await waitFor(
        async () =>
          (
            await holder.query(
              "select 1 from pg_locks where locktype = 'advisory' and objid = $1 and not granted",
              [key],
            )
          ).rowCount! > 0,
        () => "no batch reached its commit",
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(answered).toBe(0);
      expect(await stored()).toBe(0);

      await holder.query("select pg_advisory_unlock($1)", [key]);
      expect(await Promise.all(responses)).toEqual(responses.map(() => 200));
      expect(await stored()).toBe(12);
    } finally {
      await holder.end();
    }
  }, 60_000);
});

describe("SIGTERM with deliveries waiting for their batch (npm start, embedded database)", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("stores and answers them before the process exits", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "revue-intake-"));
    const secret = "intake-secret";
    const revue = await spawnRevue(
      {
        APP_ID: "1",
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: secret,
        REVUE_WORKERS: "false",
        // A batch that would wait a whole second: only the shutdown can write it sooner.
        REVUE_INTAKE_BATCH_MS: "1000",
      },
      { cwd },
    );
    cleanups.push(() => revue.stop());
    await revue.ready(90_000);

    const sent = Date.now();
    const responses = Array.from({ length: 5 }, (_, i) =>
      sendWebhook(`${revue.url}/api/github/webhooks`, "pull_request", pullRequest(i + 1), {
        secret,
        deliveryId: `at-shutdown-${i}`,
      }).then((response) => ({ status: response.status, after: Date.now() - sent })),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = revue.stop();
    const answers = await Promise.all(responses);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    // Answered when the shutdown wrote the batch, not when its second was up.
    expect(Math.max(...answers.map((a) => a.after))).toBeLessThan(900);
    expect(await exited).toBe(0);

    const db = await createPglite(path.join(cwd, "data"));
    const { rows } = await db.query<{ n: number }>(
      "select count(*)::int as n from webhook_deliveries where delivery_id like 'at-shutdown-%'",
    );
    await db.close();
    expect(rows[0]!.n).toBe(5);
  }, 120_000);
});
