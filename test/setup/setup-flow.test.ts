import { createHmac } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseEnv } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { FakeGitHub } from "../helpers/fake-github.ts";
import { freePort } from "../helpers/spawn-revue.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";
import { changedFiles, modelReview, pullRequestOpened, PULL_NUMBER } from "../helpers/fixtures.ts";
import { REPO_ROOT, runRevue, type RevueProcess } from "./revue-process.ts";

/**
 * The one-click setup, end to end, with the real `node src/bin/start.ts` in a fresh directory:
 * the setup page, GitHub's answer to the manifest (a local fake reached through GHE_HOST), `.env`
 * written, then a restart that comes up installed and reviews a pull request. No network.
 */
describe("one-click setup (node src/bin/start.ts)", () => {
  let dir: string;
  let port: number;
  let github: FakeGitHub;
  let githubServer: { host: string; close(): Promise<void> };
  let anthropic: FakeAnthropic;
  let anthropicServer: { url: string; close(): Promise<void> };
  let running: RevueProcess | undefined;
  const conversion = {
    id: 4242,
    slug: "revue",
    name: "Revue",
    html_url: "",
    pem: testPrivateKey(),
    webhook_secret: "whsec-from-github-0123456789",
    client_id: "Iv23liClientId",
    client_secret: "client-secret-0123456789abcdef",
  };
  const baseEnv = () => ({
    NODE_ENV: "development",
    HOST: "127.0.0.1",
    // Not "0": Probot's server reads it as its default, 3000, which other tests use too.
    PORT: String(port),
    LOG_LEVEL: "info",
    NO_SMEE_SETUP: "true",
    GHE_HOST: githubServer.host,
    GHE_PROTOCOL: "http",
  });

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(path.join(tmpdir(), "revue-setup-"));
    // Probot reads app.yml and package.json from the working directory and writes .env there.
    copyFileSync(path.join(REPO_ROOT, "app.yml"), path.join(dir, "app.yml"));
    copyFileSync(path.join(REPO_ROOT, "package.json"), path.join(dir, "package.json"));
    github = new FakeGitHub();
    githubServer = await github.listen();
    conversion.html_url = `http://${githubServer.host}/apps/revue`;
    github.manifestConversions.set("good-code", conversion);
    github.manifestConversions.set("expired-code", 422);
    github.pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github.files.set(PULL_NUMBER, changedFiles());
    anthropic = new FakeAnthropic([{ review: modelReview() }]);
    anthropicServer = await anthropic.listen();
  });

  afterAll(async () => {
    await running?.stop();
    await githubServer.close();
    await anthropicServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("boots in setup mode and serves the manifest form built from app.yml (GH_ORG: the organisation's App)", async () => {
    running = runRevue("start.ts", { cwd: dir, env: { ...baseEnv(), GH_ORG: "acme" } });
    const port = await running.waitForPort();
    const base = `http://127.0.0.1:${port}`;

    const root = await fetch(`${base}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/probot");

    const page = await fetch(`${base}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const action = /<form action="([^"]+)"/.exec(html)?.[1];
    expect(action).toBe(`http://${githubServer.host}/organizations/acme/settings/apps/new`);
    const manifest = JSON.parse(/value='([^']+)'/.exec(html)![1]!);
    expect(manifest).toMatchObject({
      name: "Revue",
      public: false,
      hook_attributes: { url: `${base}/` },
      redirect_url: `${base}/probot/setup`,
      default_permissions: {
        checks: "write",
        contents: "read",
        issues: "write",
        metadata: "read",
        pull_requests: "write",
      },
      default_events: expect.arrayContaining(["pull_request", "issue_comment"]),
    });
    expect(
      running.lines.some((l) => l.msg === "no APP_ID/PRIVATE_KEY: starting the setup page"),
    ).toBe(true);
    expect(await running.stop()).toBe(0);
    running = undefined;
  });

  it("explains a wrong or expired code, writes nothing; a good code writes the credentials to .env", async () => {
    running = runRevue("start.ts", { cwd: dir, env: baseEnv() });
    const port = await running.waitForPort();
    const base = `http://127.0.0.1:${port}`;

    for (const [code, githubStatus] of [
      ["wrong-code", 404],
      ["expired-code", 422],
    ] as const) {
      const page = await fetch(`${base}/probot/setup?code=${code}`, { redirect: "manual" });
      expect(page.status).toBe(400);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain("<h1>GitHub did not accept this setup code</h1>");
      expect(html).toContain(`GitHub answered ${githubStatus}`);
      expect(html).toContain(
        "A setup code works once and expires an hour after the App is created",
      );
      expect(html).toContain("Nothing was written to <code>.env</code>");
      expect(existsSync(path.join(dir, ".env"))).toBe(false);
    }
    const noCode = await fetch(`${base}/probot/setup`);
    expect(noCode.status).toBe(400);
    expect(await noCode.text()).toContain("No setup code");

    const done = await fetch(`${base}/probot/setup?code=good-code`, { redirect: "manual" });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`${conversion.html_url}/installations/new`);
    const envFile = path.join(dir, ".env");
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(parseEnv(readFileSync(envFile, "utf8"))).toEqual({
      APP_ID: "4242",
      PRIVATE_KEY: conversion.pem,
      WEBHOOK_SECRET: conversion.webhook_secret,
      GITHUB_CLIENT_ID: conversion.client_id,
      GITHUB_CLIENT_SECRET: conversion.client_secret,
    });
    expect(github.calls("POST", /^\/app-manifests\/good-code\/conversions$/)).toHaveLength(1);

    // The code is used up: a reload says so and leaves .env as it is.
    const again = await fetch(`${base}/probot/setup?code=good-code`, { redirect: "manual" });
    expect(again.status).toBe(400);
    expect(parseEnv(readFileSync(envFile, "utf8")).APP_ID).toBe("4242");
    expect(await running.stop()).toBe(0);
    running = undefined;
  });

  it("restarted with that .env, comes up installed and reviews a pull request; /metrics counts it", async () => {
    running = runRevue("start.ts", {
      cwd: dir,
      env: {
        ...baseEnv(),
        ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdefghijklmnop",
        ANTHROPIC_BASE_URL: anthropicServer.url,
        REVUE_QUEUE_POLL_SECONDS: "0.5",
        REVUE_MODEL_MAX_RETRIES: "0",
      },
    });
    const port = await running.waitForPort(60_000);
    const base = `http://127.0.0.1:${port}`;
    await running.waitFor((l) => l.msg === "workers started");

    // GitHub delivers to the site root, as the manifest registered it, signed with the new secret.
    const body = JSON.stringify(pullRequestOpened());
    const delivered = await fetch(`${base}/`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": "delivery-after-setup",
        "x-hub-signature-256": `sha256=${createHmac("sha256", conversion.webhook_secret).update(body).digest("hex")}`,
      },
      body,
    });
    expect(delivered.status).toBe(200);
    // The review's job (the workers also ask GitHub for lost deliveries when they start).
    const reviewDone = (l: Record<string, unknown>) =>
      l.msg === "job completed" && l.job === "review-pull-request";
    // Generous: the first job loads the review pipeline, and a shared CI machine may be slow.
    await running.waitFor(reviewDone, 75_000);

    expect(github.reviews).toHaveLength(1);
    expect(github.reviews[0]).toMatchObject({ event: "COMMENT", state: "COMMENTED" });
    expect(anthropic.requests).not.toHaveLength(0);
    const jobLine = running.lines.find(reviewDone)!;
    expect(jobLine).toMatchObject({
      delivery: "delivery-after-setup",
      repo: "Codertocat/Hello-World",
      pull: PULL_NUMBER,
      jobId: expect.any(String),
    });

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('revue_reviews_total{outcome="posted"} 1');
    expect(metrics).toMatch(/revue_model_tokens_total\{model="[^"]+",kind="input"\} \d+/);
    expect(metrics).toContain('revue_queue_jobs{queue="review-pull-request",state="queued"} 0');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await running.stop()).toBe(0);
    running = undefined;
  }, 180_000);

  it("runs the image's other commands: migrations, then a worker with its own /metrics", async () => {
    const migrate = runRevue("migrate.ts", { cwd: dir, env: baseEnv() });
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toContain("database is up to date");

    running = runRevue("worker.ts", { cwd: dir, env: { ...baseEnv(), METRICS_PORT: "0" } });
    const line = await running.waitFor((l) => l.msg === "metrics served on /metrics", 60_000);
    await running.waitFor((l) => l.msg === "workers started");
    const metrics = await fetch(`http://127.0.0.1:${line.port as number}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("# TYPE revue_queue_jobs gauge");
    expect(await running.stop()).toBe(0);
    running = undefined;
  }, 180_000);
});
