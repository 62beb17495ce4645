import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { FakeGitHub } from "../helpers/fake-github.ts";
import {
  changedFiles,
  HEAD_SHA,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
} from "../helpers/fixtures.ts";
import { freshServerDatabase } from "../helpers/server-database.ts";
import { sendWebhook } from "../helpers/sign-webhook.ts";
import { spawnRevue, type SpawnedRevue } from "../helpers/spawn-revue.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";
import { waitFor } from "../helpers/wait-for.ts";

const SECRET = "lifecycle-webhook-secret";

/**
 * The Messages API in front of `anthropic`, except that the first `held` requests are never
 * answered: the review that sent one is mid-call when its process is killed or stopped. Records
 * when each request arrived.
 */
async function holdingModel(anthropic: FakeAnthropic, held: number) {
  const arrivals: number[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    arrivals.push(Date.now());
    if (arrivals.length <= held) return;
    const [status, text, headers] = await anthropic.handle(
      JSON.parse(Buffer.concat(chunks).toString("utf8")),
    );
    res.writeHead(status, headers).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type ReviewJobRow = { state: string; retry_count: number };

describe.runIf(process.env.TEST_DATABASE_URL)(
  "a review whose worker dies or stops mid-call (npm start and npm run worker on PostgreSQL)",
  () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    /** A web process and a fake GitHub and Claude; the first model call hangs. */
    async function setup() {
      const github = new FakeGitHub();
      github.pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
      github.files.set(PULL_NUMBER, changedFiles());
      const githubServer = await github.listen();
      cleanups.push(githubServer.close);
      const model = await holdingModel(new FakeAnthropic([{ review: modelReview() }]), 1);
      cleanups.push(model.close);
      const database = await freshServerDatabase();
      cleanups.push(database.drop);
      const env: Record<string, string> = {
        APP_ID: "1",
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: SECRET,
        GHE_HOST: githubServer.host,
        GHE_PROTOCOL: "http",
        ANTHROPIC_API_KEY: "sk-ant-e2e-0123456789abcdefghij",
        ANTHROPIC_BASE_URL: model.url,
        DATABASE_URL: database.url,
        REVUE_QUEUE_POLL_SECONDS: "0.5",
      };
      const web = await spawnRevue({ ...env, REVUE_WORKERS: "false" });
      cleanups.push(() => web.stop());
      await web.ready(60_000);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      cleanups.push(() => client.end());

      const startWorker = async (extra: Record<string, string> = {}): Promise<SpawnedRevue> => {
        const worker = await spawnRevue({ ...env, ...extra }, { script: "src/bin/worker.ts" });
        cleanups.push(() => worker.stop());
        await waitFor(
          () => worker.output().includes("workers started"),
          () => `the worker did not start:\n${worker.output()}`,
          60_000,
        );
        return worker;
      };
      const reviewJob = async (): Promise<ReviewJobRow> => {
        const { rows } = await client.query<ReviewJobRow>(
          "SELECT state::text AS state, retry_count FROM pgboss.job WHERE name = 'review-pull-request'",
        );
        expect(rows).toHaveLength(1);
        return rows[0]!;
      };
      const readyCounts = async () =>
        (
          (await (await fetch(`${web.url}/ready`)).json()) as {
            queues: Record<string, { queued: number; active: number }>;
          }
        ).queues["review-pull-request"];
      // The review job's own completion, as pg-boss records it: a "job completed" line may be
      // another job's (the redelivery job logs one at start), and pg-boss writes the state after
      // the handler returns, so neither the log nor the closed check run is enough.
      const reviewPosted = (worker: SpawnedRevue) =>
        waitFor(
          async () =>
            [...github.checkRuns.values()].some((run) => run.status === "completed") &&
            (await reviewJob()).state === "completed",
          () => `no review posted:\n${worker.output()}`,
          90_000,
        );
      /** Sends the delivery and resolves once the first worker is inside the (hanging) model call. */
      const reviewStarted = async () => {
        const answer = await sendWebhook(`${web.url}/`, "pull_request", pullRequestOpened(), {
          secret: SECRET,
        });
        expect(answer.status).toBe(200);
        await waitFor(
          () => model.arrivals.length === 1,
          () => "the review never called the model",
          60_000,
        );
      };
      return { github, model, startWorker, reviewJob, readyCounts, reviewPosted, reviewStarted };
    }

    it("SIGKILL: the job is failed by its lost heartbeat and retried on another worker within a minute", async () => {
      const { github, model, startWorker, reviewJob, readyCounts, reviewPosted, reviewStarted } =
        await setup();
      const first = await startWorker();
      await reviewStarted();
      // Counted when asked, not from pg-boss's minute-long cache.
      expect(await readyCounts()).toMatchObject({ active: 1, queued: 0 });

      const killedAt = Date.now();
      first.child.kill("SIGKILL");
      await first.stop();
      const second = await startWorker();
      await waitFor(
        () => model.arrivals.length === 2,
        async () => `not retried: ${JSON.stringify(await reviewJob())}\n${second.output()}`,
        70_000,
      );
      const retriedAfterMs = model.arrivals[1]! - killedAt;
      await reviewPosted(second);
      const postedAfterMs = Date.now() - killedAt;
      console.log(
        `SIGKILL: retried ${retriedAfterMs} ms after the kill, posted after ${postedAfterMs} ms`,
      );

      expect(retriedAfterMs).toBeLessThan(60_000);
      expect(github.reviews).toHaveLength(1);
      expect(github.reviews[0]).toMatchObject({ commit_id: HEAD_SHA });
      // The crash counts as one failed attempt.
      expect(await reviewJob()).toEqual({ state: "completed", retry_count: 1 });
    }, 240_000);

    it("SIGTERM: after the grace the running job is handed back uncounted, the process exits 0, another worker finishes it", async () => {
      const { github, model, startWorker, reviewJob, readyCounts, reviewPosted, reviewStarted } =
        await setup();
      const graceSeconds = 3;
      const first = await startWorker({ REVUE_SHUTDOWN_GRACE_SECONDS: String(graceSeconds) });
      await reviewStarted();

      const termAt = Date.now();
      const code = await first.stop(); // one SIGTERM (a second one means "exit at once", status 1)
      const exitedAfterMs = Date.now() - termAt;
      expect(code).toBe(0);
      expect(exitedAfterMs).toBeLessThan((graceSeconds + 5) * 1000);
      expect(first.output()).toContain("jobs handed back to the queue");
      // Back in the queue, ready at once, its attempt not counted.
      expect(await reviewJob()).toEqual({ state: "retry", retry_count: 0 });
      expect(await readyCounts()).toMatchObject({ active: 0, queued: 1 });

      const secondStartedAt = Date.now();
      const second = await startWorker();
      await waitFor(
        () => model.arrivals.length === 2,
        async () => `not run again: ${JSON.stringify(await reviewJob())}\n${second.output()}`,
        30_000,
      );
      const rerunAfterMs = model.arrivals[1]! - secondStartedAt;
      await reviewPosted(second);
      console.log(
        `SIGTERM (grace ${graceSeconds} s): exited ${exitedAfterMs} ms after the signal; run again ${rerunAfterMs} ms after the second worker was spawned`,
      );
      expect(github.reviews).toHaveLength(1);
      expect(await reviewJob()).toEqual({ state: "completed", retry_count: 0 });
    }, 240_000);
  },
);
