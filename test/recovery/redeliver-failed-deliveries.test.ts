import nock from "nock";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Octokit } from "../../src/github/github-types.ts";
import {
  REDELIVERY_WINDOW_HOURS,
  redeliverFailedDeliveries,
} from "../../src/recovery/redeliver-failed-deliveries.ts";
import { createRedeliveryJobHandler } from "../../src/recovery/redelivery-job-handler.ts";
import { FakeGitHub } from "../helpers/fake-github.ts";
import { pullRequestOpened } from "../helpers/fixtures.ts";
import { createTestProbot } from "../helpers/revue-harness.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";

const NOW = new Date("2026-12-03T12:00:00Z");
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3600_000).toISOString();

let nextAttempt = 5000;
/** One attempt as GitHub's deliveries API lists it. */
function attempt(guid: string, statusCode: number, hours: number, event = "pull_request") {
  nextAttempt += 1;
  return {
    id: nextAttempt,
    guid,
    delivered_at: hoursAgo(hours),
    redelivery: false,
    duration: 0.5,
    status: statusCode >= 200 && statusCode < 300 ? "OK" : "Invalid HTTP Response",
    status_code: statusCode,
    event,
    action: "opened",
    installation_id: 1,
    repository_id: 1296269,
  };
}

describe.each(backends)("asking GitHub to redeliver what Revue did not store (%s)", (backend) => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let github: FakeGitHub;
  let appOctokit: Octokit;
  const log = silentLogger();
  const run = () => redeliverFailedDeliveries({ db: db.db, appOctokit, log, now: () => NOW });

  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    db = await createTestDatabase(backend);
    github = new FakeGitHub();
    github.install();
    appOctokit = (await createTestProbot(log).auth()) as Octokit;
  });
  afterEach(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await db.close();
  });

  it("asks once for each delivery none of whose attempts succeeded, and for nothing else", async () => {
    const lostTwice = [attempt("lost", 500, 5), attempt("lost", 502, 2)];
    const recovered = [attempt("recovered", 500, 6), attempt("recovered", 200, 4)];
    const storedLate = attempt("stored-late", 500, 3);
    const tooLarge = attempt("too-large", 413, 3);
    const badSecret = attempt("bad-secret", 401, 1);
    const tooOld = attempt("too-old", 500, REDELIVERY_WINDOW_HOURS + 1);
    // Enough successes to take two pages of 100, and older attempts that must not be paged through.
    const busy = Array.from({ length: 120 }, (_, i) => attempt(`ok-${i}`, 200, 0.5 + i / 100));
    const ancient = Array.from({ length: 150 }, (_, i) => attempt(`old-${i}`, 500, 80 + i));
    github.hookDeliveries = [
      ...lostTwice,
      ...recovered,
      storedLate,
      tooLarge,
      badSecret,
      tooOld,
      ...busy,
      ...ancient,
    ];
    await db.db
      .insertInto("webhook_deliveries")
      .values({ delivery_id: "stored-late", event: "pull_request" })
      .execute();

    const outcome = await run();

    expect(outcome.requested.sort()).toEqual(["bad-secret", "lost"]);
    // The latest attempt of a delivery is the one redelivered.
    expect(github.redeliveryRequests.sort()).toEqual([badSecret.id, lostTwice[1]!.id].sort());
    // Newest first: the second page reaches past the window, so no third page is read.
    expect(github.calls("GET", /^\/app\/hook\/deliveries/)).toHaveLength(2);

    // A later run (another process, or after a restart) asks for nothing again.
    expect((await run()).requested).toEqual([]);
    expect(github.redeliveryRequests).toHaveLength(2);
    const recorded = await db.db
      .selectFrom("redelivery_requests")
      .select(["guid", "attempt_id"])
      .orderBy("guid")
      .execute();
    expect(recorded.map((row) => ({ ...row, attempt_id: String(row.attempt_id) }))).toEqual([
      { guid: "bad-secret", attempt_id: String(badSecret.id) },
      { guid: "lost", attempt_id: String(lostTwice[1]!.id) },
    ]);
  });

  it("forgets a request GitHub refused, fails the run, and asks again on the next", async () => {
    const lost = attempt("lost", 500, 1);
    github.hookDeliveries = [lost];
    github.redeliveryStatus = 422;
    github.expectViolations = true;

    await expect(run()).rejects.toThrow(/redelivery request\(s\) failed/);
    expect(await db.db.selectFrom("redelivery_requests").selectAll().execute()).toEqual([]);

    github.redeliveryStatus = 202;
    expect((await run()).requested).toEqual(["lost"]);
    expect(github.redeliveryRequests).toEqual([lost.id]);
  });
});

describe("a delivery lost while Revue was down, recovered end to end", () => {
  const { harness, github } = useHarness("pglite");

  it("is redelivered by GitHub, stored once, and its review queued", async () => {
    const payload = pullRequestOpened();
    github().hookDeliveries = [attempt("lost-while-down", 502, 1)];
    const redelivered: Promise<Response>[] = [];
    github().onRedeliver = (asked) =>
      redelivered.push(harness().send(asked.event, payload, asked.guid));
    const handle = createRedeliveryJobHandler({ db: harness().db.db, probot: harness().probot });
    const context = {
      log: silentLogger(),
      jobId: "j1",
      retryCount: 0,
      signal: new AbortController().signal,
    };

    await handle({ reason: "start" }, context);
    expect((await Promise.all(redelivered)).map((r) => r.status)).toEqual([200]);
    // GitHub now lists the successful redelivery too; the next run leaves it alone.
    github().hookDeliveries.push({ ...attempt("lost-while-down", 200, 0.1), redelivery: true });
    await handle({ reason: "schedule" }, context);
    expect(github().redeliveryRequests).toHaveLength(1);

    const { db, queueSchema } = harness().db;
    const stored = await db.selectFrom("webhook_deliveries").select("delivery_id").execute();
    expect(stored).toEqual([{ delivery_id: "lost-while-down" }]);
    const jobs = await sql<{ count: string }>`select count(*) as count
      from ${sql.id(queueSchema)}.job where name = 'review-pull-request'`.execute(db);
    expect(Number(jobs.rows[0]!.count)).toBe(1);
  });

  it("is asked for when the workers start, and scheduled every ten minutes", async () => {
    github().hookDeliveries = [attempt("lost-at-start", 500, 1)];
    await harness().startWorkers();
    const schedules = await harness().boss.getSchedules("redeliver-failed-deliveries");
    expect(schedules.map((s) => s.cron)).toEqual(["*/10 * * * *"]);
    await expect.poll(() => github().redeliveryRequests.length, { timeout: 20_000 }).toBe(1);
  });
});
