import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { runRevue, type RevueProcess } from "../setup/revue-process.ts";
import { pullRequestOpened } from "../helpers/fixtures.ts";
import { freshServerDatabase } from "../helpers/server-database.ts";
import { sendWebhook } from "../helpers/sign-webhook.ts";
import { freePort } from "../helpers/spawn-revue.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";

/** Kysely's migration lock on PostgreSQL (its PostgresAdapter): every start takes it to migrate. */
const MIGRATION_LOCK = "3853314791062309107";

describe.runIf(process.env.TEST_DATABASE_URL)("a start whose database is slow to open", () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("answers /health at once, /ready 503 until the database is migrated, and holds a delivery until it is stored", async () => {
    const database = await freshServerDatabase();
    cleanups.push(database.drop);
    // Holding the migration lock keeps the start "opening the database" exactly as long as the
    // test wants, whatever the machine's speed.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    const release = () => holder.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);

    const running: RevueProcess = runRevue("start.ts", {
      cwd: mkdtempSync(path.join(tmpdir(), "revue-slow-db-")),
      env: {
        HOST: "127.0.0.1",
        // Not "0": Probot reads it as its default, 3000, which other tests use too.
        PORT: String(await freePort()),
        LOG_LEVEL: "info",
        APP_ID: "1",
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: "a-secret-for-this-test",
        DATABASE_URL: database.url,
        REVUE_WORKERS: "false",
      },
    });
    cleanups.push(() => running.stop());
    const port = await running.waitForPort(60_000);
    const base = `http://127.0.0.1:${port}`;
    await running.waitFor((l) =>
      String(l.msg).startsWith(`listening at ${base}; opening the database`),
    );

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", starting: true });
    const starting = await fetch(`${base}/ready`);
    expect(starting.status).toBe(503);
    expect(starting.headers.get("retry-after")).toBe("2");
    expect(await starting.json()).toEqual({
      status: "starting",
      reason: "opening the database and applying migrations",
    });

    // A delivery arriving now waits for the database: no answer while it is not ready.
    let answered = false;
    const delivery = sendWebhook(`${base}/`, "pull_request", pullRequestOpened(), {
      secret: "a-secret-for-this-test",
    }).then((response) => {
      answered = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answered).toBe(false);

    await release();
    const answer = await delivery;
    if (answer.status !== 200) await new Promise((r) => setTimeout(r, 15000));
    if (answer.status !== 200)
      console.log(
        running
          .output()
          .split("\n")
          .map((l) => l.slice(0, 400))
          .join("\n"),
      );
    expect(answer.status).toBe(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "ready",
      queues: { "review-pull-request": { queued: 1 } },
    });
  }, 120_000);
});
