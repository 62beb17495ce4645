import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMetrics, type Metrics } from "../../src/metrics/create-metrics.ts";
import { serveMetrics } from "../../src/app/serve-metrics.ts";
import { sendJob } from "../../src/queue/send-job.ts";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import {
  changedFiles,
  HEAD_SHA,
  INSTALLATION_ID,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
  REPOSITORY_ID,
} from "../helpers/fixtures.ts";

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One sample's value from Prometheus text, or undefined when the line is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const reviewJob = {
  installationId: INSTALLATION_ID,
  repositoryId: REPOSITORY_ID,
  owner: "Codertocat",
  repo: "Hello-World",
  pullNumber: PULL_NUMBER,
  trigger: "opened" as const,
  mode: "full" as const,
  deliveryId: "delivery-metrics",
  headSha: HEAD_SHA,
};

describe.each(backends)("metrics and job logs on %s", (backend) => {
  const { harness, github } = useHarness(backend);
  let metrics: Metrics;
  let scrape: () => Promise<{ status: number; type: string | null; text: string }>;
  let closeMetrics: () => Promise<void>;

  beforeEach(async () => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
    metrics = createMetrics();
    const served = await serveMetrics(
      metrics,
      { boss: harness().boss, schema: harness().db.queueSchema },
      { host: "127.0.0.1", port: 0, log: silentLogger() },
    );
    closeMetrics = served.close;
    scrape = async () => {
      const response = await fetch(`http://127.0.0.1:${served.port}/metrics`);
      return {
        status: response.status,
        type: response.headers.get("content-type"),
        text: await response.text(),
      };
    };
  });

  afterEach(async () => {
    // Runs before the harness closes (vitest runs after-hooks in reverse order). Undefined when
    // beforeEach failed: let its error be the one reported.
    await (closeMetrics as typeof closeMetrics | undefined)?.();
    closeMetrics = undefined as never;
  });

  it("reports queue depth and the oldest waiting job before any worker runs", async () => {
    await sendJob(harness().boss, "review-pull-request", reviewJob, {
      singletonKey: "metrics-1",
    });
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain/);
    expect(sample(text, 'revue_queue_jobs{queue="review-pull-request",state="queued"}')).toBe(1);
    expect(sample(text, 'revue_queue_jobs{queue="review-pull-request",state="active"}')).toBe(0);
    expect(
      sample(text, 'revue_queue_jobs{queue="review-pull-request",state="dead_lettered"}'),
    ).toBe(0);
    const age = sample(text, 'revue_queue_oldest_job_age_seconds{queue="review-pull-request"}');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
    // Nothing reviewed yet: the counters exist but carry no samples.
    expect(text).toContain("# TYPE revue_reviews_total counter");
    expect(text).not.toContain("revue_reviews_total{");
  });

  it("counts a posted review, its duration, tokens and cost; every job log line names the job, delivery, repository and pull request", async () => {
    new FakeAnthropic([{ review: modelReview() }]).install();
    const lines: Record<string, unknown>[] = [];
    const log = pino(
      { level: "debug" },
      new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split("\n").filter(Boolean))
            lines.push(JSON.parse(line));
          done();
        },
      }),
    );
    const response = await harness().send("pull_request", pullRequestOpened(), "delivery-42");
    expect(response.status).toBe(200);
    await harness().startWorkers({ metrics, log });
    await until(async () => {
      const row = await harness()
        .db.db.selectFrom("reviews")
        .select("status")
        .where("status", "=", "posted")
        .executeTakeFirst();
      return row && lines.some((l) => l.msg === "job completed") ? row : undefined;
    }, "the posted review");

    const { text } = await scrape();
    expect(sample(text, 'revue_reviews_total{outcome="posted"}')).toBe(1);
    expect(sample(text, 'revue_review_duration_seconds_count{outcome="posted"}')).toBe(1);
    const model = harness().config.model.id;
    // The fake model answers each call with 1000 input, 200 output and 1500 cache-read tokens.
    const calls = Number(
      (await harness().db.db.selectFrom("reviews").select("model_calls").executeTakeFirstOrThrow())
        .model_calls,
    );
    expect(sample(text, `revue_model_tokens_total{model="${model}",kind="input"}`)).toBe(
      1000 * calls,
    );
    expect(sample(text, `revue_model_tokens_total{model="${model}",kind="output"}`)).toBe(
      200 * calls,
    );
    expect(sample(text, `revue_model_tokens_total{model="${model}",kind="cache_read"}`)).toBe(
      1500 * calls,
    );
    expect(sample(text, `revue_model_cost_usd_total{model="${model}"}`)).toBeGreaterThan(0);
    expect(sample(text, 'revue_queue_jobs{queue="review-pull-request",state="queued"}')).toBe(0);
    expect(text).not.toContain("revue_job_failures_total{");

    // The review job's lines; the workers' own jobs (the redelivery asked for at start) name no delivery.
    const jobLines = lines.filter((l) => l.jobId !== undefined && l.job === "review-pull-request");
    expect(jobLines.length).toBeGreaterThan(1);
    for (const line of jobLines) {
      expect(line).toMatchObject({
        jobId: expect.any(String),
        delivery: "delivery-42",
        repo: "Codertocat/Hello-World",
        pull: PULL_NUMBER,
      });
    }
  });

  it("counts failures by cause and dead-lettered jobs", async () => {
    github().pulls.delete(PULL_NUMBER); // GitHub answers 404: the job fails permanently
    await sendJob(harness().boss, "review-pull-request", reviewJob, { singletonKey: "metrics-2" });
    await harness().startWorkers({ metrics });
    const text = await until(async () => {
      const { text } = await scrape();
      return sample(text, 'revue_queue_jobs{queue="review-pull-request",state="dead_lettered"}') ===
        1
        ? text
        : undefined;
    }, "the dead-lettered job");
    expect(
      sample(text, 'revue_job_failures_total{job="review-pull-request",cause="PermanentJobError"}'),
    ).toBe(1);
    expect(sample(text, 'revue_reviews_total{outcome="error"}')).toBe(1);
  });
});
