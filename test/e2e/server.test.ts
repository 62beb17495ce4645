import { afterEach, describe, expect, it } from "vitest";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { FakeGitHub } from "../helpers/fake-github.ts";
import { freshServerDatabase } from "../helpers/server-database.ts";
import { sendWebhook } from "../helpers/sign-webhook.ts";
import { spawnRevue, type SpawnedRevue } from "../helpers/spawn-revue.ts";
import { backends } from "../helpers/test-database.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";
import {
  changedFiles,
  HEAD_SHA,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
} from "../helpers/fixtures.ts";

const SECRET = "e2e-webhook-secret";

describe.each(backends)("npm start against a fake GitHub and a fake Claude (%s)", (backend) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("becomes ready, verifies a signed webhook, posts a review, and drains on SIGTERM", async () => {
    const github = new FakeGitHub();
    github.pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github.files.set(PULL_NUMBER, changedFiles());
    const githubServer = await github.listen();
    cleanups.push(githubServer.close);
    const anthropic = new FakeAnthropic([{ review: modelReview() }]);
    const anthropicServer = await anthropic.listen();
    cleanups.push(anthropicServer.close);
    const env: Record<string, string> = {
      APP_ID: "1",
      PRIVATE_KEY: testPrivateKey(),
      WEBHOOK_SECRET: SECRET,
      GHE_HOST: githubServer.host,
      GHE_PROTOCOL: "http",
      ANTHROPIC_API_KEY: "sk-ant-e2e-0123456789abcdefghij",
      ANTHROPIC_BASE_URL: anthropicServer.url,
      REVUE_QUEUE_POLL_SECONDS: "0.5",
    };
    if (backend === "postgres") {
      const database = await freshServerDatabase();
      cleanups.push(database.drop);
      env.DATABASE_URL = database.url;
    }

    const revue: SpawnedRevue = await spawnRevue(env);
    cleanups.push(() => revue.stop());
    await revue.ready(90_000);

    const health = await fetch(`${revue.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const ready = await (await fetch(`${revue.url}/ready`)).json();
    expect(ready).toMatchObject({
      status: "ready",
      database: "ok",
      queues: { "review-pull-request": expect.any(Object) },
    });

    const forged = await sendWebhook(
      `${revue.url}/api/github/webhooks`,
      "pull_request",
      pullRequestOpened(),
      { secret: "wrong" },
    );
    expect(forged.status).toBe(401);

    // The manifest registers the webhook at the root; both paths verify and accept.
    const accepted = await sendWebhook(`${revue.url}/`, "pull_request", pullRequestOpened(), {
      secret: SECRET,
    });
    expect(accepted.status).toBe(200);

    const deadline = Date.now() + 60_000;
    const finished = () => [...github.checkRuns.values()].some((run) => run.status === "completed");
    while (!finished() || !revue.output().includes("job completed")) {
      if (Date.now() > deadline) throw new Error(`no review posted:\n${revue.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(github.reviews[0]).toMatchObject({ commit_id: HEAD_SHA, event: "COMMENT" });
    expect(anthropic.requests).toHaveLength(1);
    expect(github.calls("POST", /\/check-runs$/)).toHaveLength(1);

    // Every job log line carries the job id; the handler's carries the delivery id.
    const lines = revue
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"));
    const jobLines = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.job === "review-pull-request");
    expect(jobLines.length).toBeGreaterThan(0);
    expect(jobLines.every((entry) => typeof entry.jobId === "string")).toBe(true);
    expect(revue.output()).not.toContain("sk-ant-e2e-0123456789abcdefghij");

    expect(await revue.stop()).toBe(0);
    expect(revue.output()).toContain("stopped");
  }, 180_000);
});
