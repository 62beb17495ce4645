import { beforeEach, describe, expect, it } from "vitest";
import { FakeAnthropic, type ModelReply } from "../helpers/fake-anthropic.ts";
import type { RecordedRequest } from "../helpers/fake-github.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { jobsIdle, reviewsSettled } from "../helpers/wait-for.ts";
import {
  BASE_SHA,
  changedFiles,
  HEAD_SHA,
  INSTALLATION_ID,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
  REPOSITORY_ID,
} from "../helpers/fixtures.ts";

/** The head a push brings while the review of HEAD_SHA is in flight. */
const NEWER_HEAD = "d".repeat(40);
const NEWER = NEWER_HEAD.slice(0, 7);

const OVERLOADED: ModelReply = {
  status: 529,
  body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
  headers: { "retry-after": "0" },
};

/*
 * A newer push supersedes the review in flight: whenever the head moves (before the model call,
 * during it, after the inline review is posted, or between two attempts), no review of the older
 * head is posted once that is known, nothing is paid for it once that is known, and its check run
 * is closed saying which head replaced it, never left in progress. The same holds for a retried
 * review whose head another review covered while it waited.
 */
describe.each(backends)("a review overtaken in flight on %s", (backend) => {
  const { harness, github } = useHarness(backend);
  let anthropic: FakeAnthropic;

  beforeEach(() => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
  });

  function installModel(replies: ModelReply[]) {
    anthropic = new FakeAnthropic(replies);
    anthropic.install();
  }

  /** GitHub's pull request now has NEWER_HEAD as its head (a push arrived). */
  function push() {
    github().pulls.get(PULL_NUMBER)!.head.sha = NEWER_HEAD;
  }

  /** Pushes right after GitHub answered the first request matching `method` and `path`. */
  function pushAfter(method: string, path: RegExp) {
    github().afterAnswer = (request: RecordedRequest, status: number) => {
      if (request.method !== method || !path.test(request.path) || status >= 300) return;
      github().afterAnswer = undefined;
      push();
    };
  }

  /** The one check run Revue opened, which must be closed. */
  function onlyCheckRun() {
    expect(github().calls("POST", /\/check-runs$/)).toHaveLength(1);
    const [run] = [...github().checkRuns.values()];
    expect(run).toMatchObject({ head_sha: HEAD_SHA, status: "completed", conclusion: "neutral" });
    return run!.output as { title: string; summary: string };
  }

  /** The row of a review of `headSha` that another job posted. */
  async function postedReviewOf(headSha: string) {
    await harness()
      .db.db.insertInto("reviews")
      .values({
        installation_id: INSTALLATION_ID,
        repository_id: REPOSITORY_ID,
        pull_number: PULL_NUMBER,
        base_sha: BASE_SHA,
        head_sha: headSha,
        from_sha: BASE_SHA,
        trigger: "synchronize",
        mode: "full",
        status: "posted",
      })
      .execute();
  }

  async function reviewOpenedPullRequest() {
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    const [row] = await reviewsSettled(harness());
    await jobsIdle(harness());
    return row!;
  }

  it("before the model call: no model call, nothing posted, the check run closed as superseded", async () => {
    installModel([{ review: modelReview() }]);
    pushAfter("GET", /\/pulls\/2\/files/);
    const row = await reviewOpenedPullRequest();
    expect(row).toMatchObject({
      status: "superseded",
      status_reason: `newer head ${NEWER_HEAD}`,
    });
    expect(anthropic.requests).toHaveLength(0);
    expect(github().calls("POST", /\/pulls\/2\/reviews$/)).toHaveLength(0);
    expect(github().calls("POST", /\/issues\/2\/comments$/)).toHaveLength(0);
    expect(onlyCheckRun().title).toBe(`Superseded by a newer push (${NEWER})`);
  });

  it("during the model call: nothing posted, the check run closed as superseded", async () => {
    installModel([{ review: modelReview() }]);
    anthropic.beforeReply = push;
    const row = await reviewOpenedPullRequest();
    expect(row).toMatchObject({
      status: "superseded",
      status_reason: `newer head ${NEWER_HEAD}`,
    });
    expect(anthropic.requests).toHaveLength(1);
    expect(github().calls("POST", /\/pulls\/2\/reviews$/)).toHaveLength(0);
    expect(github().calls("POST", /\/issues\/2\/comments$/)).toHaveLength(0);
    expect(onlyCheckRun().title).toBe(`Superseded by a newer push (${NEWER})`);
  });

  it("after the inline review is posted: the summary and the check run say it is of an older head", async () => {
    installModel([{ review: modelReview() }]);
    pushAfter("POST", /\/pulls\/2\/reviews$/);
    const row = await reviewOpenedPullRequest();
    // The review is on the pull request, so the row says posted, and why it is not the newest.
    expect(row).toMatchObject({ status: "posted", head_sha: HEAD_SHA, findings_posted: 1 });
    expect(row.status_reason).toContain(NEWER_HEAD);
    expect(github().reviews).toHaveLength(1);
    expect(github().reviews[0]).toMatchObject({ commit_id: HEAD_SHA, state: "COMMENTED" });

    const summaries = github().calls("POST", /\/issues\/2\/comments$/);
    expect(summaries).toHaveLength(1);
    const summary = (summaries[0]!.body as { body: string }).body;
    expect(summary).toContain(
      `> This review is of \`${HEAD_SHA.slice(0, 7)}\`, an older head: a newer push (\`${NEWER}\`) arrived while it was posted.`,
    );

    const output = onlyCheckRun();
    expect(output.title).toBe(
      `Superseded by a newer push (${NEWER}): reviewed ${HEAD_SHA.slice(0, 7)}, 1 comment`,
    );
    expect(output.summary).toContain("an older head");
    expect(output.summary).toContain("1000 input / 200 output tokens");
  });

  it("posts a plain review, checked three times, when no push comes", async () => {
    installModel([{ review: modelReview() }]);
    const row = await reviewOpenedPullRequest();
    expect(row).toMatchObject({ status: "posted", status_reason: null });
    // Read to decide, then before the model, before posting and after posting.
    expect(github().calls("GET", /\/pulls\/2$/)).toHaveLength(4);
    const [run] = [...github().checkRuns.values()];
    expect(run).toMatchObject({ status: "completed", conclusion: "success" });
    const summary = github().issueComments[0]!.body;
    expect(summary).not.toContain("older head");
  });

  it("between two attempts, once the newer head is reviewed: the first check run is closed, not left in progress", async () => {
    // The first attempt fails in the model call; meanwhile a push comes and its review is posted
    // (the queue runs the waiting job during this one's retry delay; seeded here as its row).
    installModel([OVERLOADED, OVERLOADED, { review: modelReview() }]);
    anthropic.beforeReply = async (index) => {
      if (index !== 0) return;
      push();
      await postedReviewOf(NEWER_HEAD);
    };
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await jobsIdle(harness(), 60_000);
    const rows = await harness().db.db.selectFrom("reviews").selectAll().orderBy("id").execute();
    expect(rows[0]).toMatchObject({
      head_sha: HEAD_SHA,
      status: "superseded",
      status_reason: `newer head ${NEWER_HEAD}`,
    });
    expect(anthropic.requests).toHaveLength(2); // the first attempt's, none after the push
    expect(github().calls("POST", /\/pulls\/2\/reviews$/)).toHaveLength(0);
    expect(onlyCheckRun().title).toBe(`Superseded by a newer push (${NEWER})`);
  });

  it("between two attempts, once the same head is reviewed by another job: the first check run is closed", async () => {
    // A re-review of the same head ran during this job's retry delay (seeded as its posted row).
    installModel([OVERLOADED, OVERLOADED, { review: modelReview() }]);
    anthropic.beforeReply = async (index) => {
      if (index === 0) await postedReviewOf(HEAD_SHA);
    };
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await jobsIdle(harness(), 60_000);
    const rows = await harness().db.db.selectFrom("reviews").selectAll().orderBy("id").execute();
    expect(rows[0]).toMatchObject({ head_sha: HEAD_SHA, status: "superseded" });
    expect(anthropic.requests).toHaveLength(2);
    expect(github().calls("POST", /\/pulls\/2\/reviews$/)).toHaveLength(0);
    expect(onlyCheckRun().title).toBe(
      `Not reviewed again: ${HEAD_SHA.slice(0, 7)} already has a review`,
    );
  });
});
