import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Octokit } from "../../../src/github/github-types.ts";
import { ModelPermanentError } from "../../../src/model/model-errors.ts";
import { PermanentJobError } from "../../../src/queue/job-errors.ts";
import { openCheckRun } from "../../../src/review/check-run.ts";
import { insertReview } from "../../../src/review/review-store.ts";
import { failReview } from "../../../src/review/steps/fail-review.ts";
import type { ReviewRun } from "../../../src/review/steps/review-run.ts";
import { FakeGitHub } from "../../helpers/fake-github.ts";
import { BASE_SHA, HEAD_SHA } from "../../helpers/fixtures.ts";
import { TestOctokit } from "../../helpers/revue-harness.ts";
import { silentLogger } from "../../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../../helpers/test-database.ts";

describe.each(backends)("failReview on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let github: FakeGitHub;
  const finishedAt = new Date("2025-01-02T03:04:05Z");

  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    handle = await createTestDatabase(backend);
    github = new FakeGitHub();
    github.install();
  });

  afterEach(async () => {
    await handle.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  /** A started review on its attempt `retryCount` of 4; failReview reads only these fields. */
  async function startedRun(retryCount: number): Promise<ReviewRun> {
    const octokit = new TestOctokit({ auth: "ghs_test" }) as unknown as Octokit;
    const repo = { owner: github.owner, repo: github.repo };
    const checkRunId = await openCheckRun(
      octokit,
      repo,
      HEAD_SHA,
      "Revue is reading the changes",
      "revue-job:j1",
    );
    const review = await insertReview(handle.db, {
      installation_id: 1,
      repository_id: 2,
      pull_number: 3,
      base_sha: BASE_SHA,
      head_sha: HEAD_SHA,
      from_sha: BASE_SHA,
      trigger: "opened",
      mode: "full",
      status: "running",
      job_id: "job-1",
      check_run_id: checkRunId,
    });
    return {
      deps: { db: handle.db, octokit, slug: "revue" },
      attempt: { jobId: "job-1", retryCount, retryLimit: 3, log: silentLogger() },
      repo,
      review,
      checkRunId,
      now: () => finishedAt,
    } as unknown as ReviewRun;
  }

  const row = (id: number) =>
    handle.db.selectFrom("reviews").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const checkRun = (id: number) => github.checkRuns.get(id)!;

  it("says a retry is coming, and leaves the review running, before the last attempt", async () => {
    const run = await startedRun(1);
    const error = new Error("socket hang up");
    expect(await failReview(run, error)).toBe(error);
    expect(checkRun(run.checkRunId)).toMatchObject({
      status: "in_progress",
      output: {
        title: "Revue hit an error and will retry (attempt 2 of 4)",
        summary: "Revue hit an error and will retry (attempt 2 of 4)",
      },
    });
    expect(await row(run.review.id)).toMatchObject({ status: "running", finished_at: null });
  });

  it("fails the review and its check run on the last attempt, saying what to do", async () => {
    const run = await startedRun(3);
    const error = new Error("Overloaded");
    expect(await failReview(run, error)).toBe(error);
    expect(await row(run.review.id)).toMatchObject({
      status: "failed",
      status_reason: "Overloaded",
      finished_at: finishedAt,
    });
    expect(checkRun(run.checkRunId)).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "Not reviewed: Revue failed after several attempts" },
    });
  });

  it("fails at once on a permanent error, whatever the attempt", async () => {
    const run = await startedRun(0);
    const error = new PermanentJobError("pull request Codertocat/Hello-World#3 not found");
    expect(await failReview(run, error)).toBe(error);
    expect((await row(run.review.id)).status).toBe("failed");
    expect(checkRun(run.checkRunId)).toMatchObject({ conclusion: "failure" });
  });

  it("turns the model's refusal into a PermanentJobError, so the queue does not retry it", async () => {
    const run = await startedRun(0);
    const refusal = new ModelPermanentError("prompt is too long", { kind: "refused" });
    const thrown = await failReview(run, refusal);
    expect(thrown).toBeInstanceOf(PermanentJobError);
    expect(thrown).toMatchObject({ message: "prompt is too long", cause: refusal });
    expect(checkRun(run.checkRunId)).toMatchObject({
      conclusion: "failure",
      output: { title: "Not reviewed: the model refused the request" },
    });
  });

  it("still fails the review when the check run cannot be closed", async () => {
    const run = await startedRun(3);
    github.checkRuns.delete(run.checkRunId);
    const error = new Error("Overloaded");
    expect(await failReview(run, error)).toBe(error);
    expect((await row(run.review.id)).status).toBe("failed");
  });
});
