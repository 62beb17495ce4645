import { beforeEach, describe, expect, it } from "vitest";
import { FakeAnthropic, type ModelReply } from "../helpers/fake-anthropic.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { checkRunCompleted, jobsIdle, reviewsSettled } from "../helpers/wait-for.ts";
import {
  APP_PATCH,
  BASE_SHA,
  changedFiles,
  examplePayload,
  HEAD_SHA,
  INJECTION_FINDING,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
} from "../helpers/fixtures.ts";

const SECOND_HEAD = "b".repeat(40);
const CONFIG_PATCH = ["@@ -0,0 +1,2 @@", "+const limit = 10;", "+module.exports = { limit };"].join(
  "\n",
);

function synchronize(sha: string) {
  const payload = examplePayload("pull_request", "synchronize");
  payload.installation = { id: 1 };
  payload.pull_request.head.sha = sha;
  return payload;
}

/** A PR comment from `login` (the recorded issue_comment payload, put on the PR). */
function prComment(body: string, login: string) {
  const payload = examplePayload("issue_comment", "created", (p) => Boolean(p.installation));
  payload.issue.number = PULL_NUMBER;
  payload.issue.pull_request = {
    url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/2",
  };
  payload.comment.body = body;
  payload.comment.user.login = login;
  payload.sender.login = login;
  return payload;
}

describe.each(backends)("incremental reviews and commands on %s", (backend) => {
  const { harness, github, restart } = useHarness(backend);
  let anthropic: FakeAnthropic;

  beforeEach(() => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
  });

  function installModel(replies: ModelReply[]) {
    anthropic = new FakeAnthropic(replies);
    anthropic.install();
  }

  /** Reviews the PR once at HEAD_SHA and then moves its head to SECOND_HEAD with one new file. */
  async function reviewThenPush() {
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await reviewsSettled(harness(), 1);
    github().pulls.get(PULL_NUMBER)!.head.sha = SECOND_HEAD;
    const newFile = {
      filename: "src/config.js",
      status: "added",
      additions: 2,
      deletions: 0,
      changes: 2,
      patch: CONFIG_PATCH,
    };
    github().files.set(PULL_NUMBER, [...changedFiles(), newFile]);
    return newFile;
  }

  it("after a push, reviews only the new commits and never repeats an open finding", async () => {
    installModel([{ review: modelReview([INJECTION_FINDING]) }]);
    const newFile = await reviewThenPush();
    github().compares.set(`${HEAD_SHA}...${SECOND_HEAD}`, { status: "ahead", files: [newFile] });
    // The model raises the same injection finding again (it still sees it): it must not be reposted.
    await harness().send("pull_request", synchronize(SECOND_HEAD));
    const rows = await reviewsSettled(harness(), 2);
    expect(rows[1]).toMatchObject({
      mode: "incremental",
      from_sha: HEAD_SHA,
      head_sha: SECOND_HEAD,
      status: "posted",
    });

    const prompt = (anthropic.requests[1]!.messages as { content: string }[])[0]!.content;
    expect(prompt).toContain("### src/config.js (added)");
    expect(prompt).not.toContain("### src/app.js");
    expect(prompt).toContain("incremental review");

    // One review on GitHub: the second found nothing new to say inline.
    expect(github().reviews.filter((r) => r.state === "COMMENTED")).toHaveLength(1);
    const summaries = github().calls("PATCH", /\/issues\/comments\/\d+$/);
    expect(summaries).toHaveLength(1); // the one summary comment, edited in place
    expect(github().calls("POST", /\/issues\/2\/comments$/)).toHaveLength(1);
    const summary = (summaries[0]!.body as { body: string }).body;
    expect(summary).toContain(
      `Reviewed the commits pushed since the last review (\`${HEAD_SHA.slice(0, 7)}..${SECOND_HEAD.slice(0, 7)}\`)`,
    );
    expect(summary).toContain("1 still open from earlier reviews (not repeated)");
  });

  it("after a force-push that removed the last reviewed head, falls back to the base", async () => {
    installModel([{ review: modelReview([]) }]);
    await reviewThenPush();
    github().compares.set(`${HEAD_SHA}...${SECOND_HEAD}`, { status: "diverged", files: [] });
    await harness().send("pull_request", synchronize(SECOND_HEAD));
    const rows = await reviewsSettled(harness(), 2);
    expect(rows[1]).toMatchObject({ mode: "full", from_sha: BASE_SHA, status: "posted" });
    const prompt = (anthropic.requests[1]!.messages as { content: string }[])[0]!.content;
    expect(prompt).toContain("### src/app.js");
    expect(prompt).toContain("### src/config.js");
    const summary = github().issueComments[0]!.body;
    expect(summary).toContain("force-push");
  });

  it("re-reviews the whole PR for a writer, acknowledging at once", async () => {
    installModel([{ review: modelReview([]) }]);
    github().permissions.set("maintainer", "maintain");
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await reviewsSettled(harness(), 1);
    const comment = prComment("Thanks! @revue re-review please", "maintainer");
    const response = await harness().send("issue_comment", comment);
    expect(response.status).toBe(200);
    expect(github().reactions).toEqual([{ commentId: comment.comment.id, content: "eyes" }]);
    const rows = await reviewsSettled(harness(), 2);
    expect(rows[1]).toMatchObject({
      trigger: "command-full",
      mode: "full",
      head_sha: HEAD_SHA,
      status: "posted",
    });
    expect(anthropic.requests).toHaveLength(2);
  });

  it("never loses a re-review absorbed into a queued job whose head gets reviewed first", async () => {
    installModel([{ review: modelReview([]) }]);
    github().permissions.set("maintainer", "maintain");
    // The first review waits in its model call while the commands arrive.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let inModel = () => {};
    const modelCalled = new Promise<void>((resolve) => (inModel = resolve));
    anthropic.beforeReply = async (index) => {
      if (index > 0) return;
      inModel();
      await held;
    };
    await harness().startWorkers();
    await harness().send("pull_request", pullRequestOpened());
    await modelCalled;

    // `review` queues a job behind the active one; both re-reviews are absorbed into it (the
    // queue holds one waiting job per pull request), and a redelivery of one adds nothing.
    await harness().send("issue_comment", prComment("@revue review", "maintainer"), "review-1");
    await harness().send("issue_comment", prComment("@revue re-review", "maintainer"), "again-1");
    await harness().send("issue_comment", prComment("@revue re-review", "maintainer"), "again-1");
    await harness().send("issue_comment", prComment("@revue re-review", "maintainer"), "again-2");
    expect(await harness().boss.findJobs("review-pull-request", {})).toHaveLength(2);
    release();

    // The queued job finds the head already reviewed, and still reviews it in full, once.
    await jobsIdle(harness());
    const rows = await harness().db.db.selectFrom("reviews").selectAll().orderBy("id").execute();
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      trigger: "command-full",
      mode: "full",
      from_sha: BASE_SHA,
      head_sha: HEAD_SHA,
      status: "posted",
    });
    expect(rows[0]).toMatchObject({ status: "posted", head_sha: HEAD_SHA });
    expect(anthropic.requests).toHaveLength(2);

    // Answered: the next command that finds the head reviewed does nothing more.
    await harness().send("issue_comment", prComment("@revue review", "maintainer"), "review-2");
    await jobsIdle(harness());
    expect(await harness().db.db.selectFrom("reviews").selectAll().execute()).toHaveLength(2);
  });

  it("answers a reader's command with a short reply and no model call", async () => {
    installModel([{ review: modelReview([]) }]);
    github().permissions.set("drive-by", "read");
    await harness().startWorkers();
    const response = await harness().send("issue_comment", prComment("@revue review", "drive-by"));
    expect(response.status).toBe(200);
    const replies = github().calls("POST", /\/issues\/2\/comments$/);
    expect(replies).toHaveLength(1);
    expect((replies[0]!.body as { body: string }).body).toContain("only people with write access");
    expect(await harness().boss.findJobs("review-pull-request", {})).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(0);
  });

  it("answers help, and ignores comments by bots (its own included)", async () => {
    installModel([{ review: modelReview([]) }]);
    await harness().send("issue_comment", prComment("@revue help", "someone"));
    const bot = prComment("@revue re-review", "revue[bot]");
    bot.comment.user.type = "Bot";
    bot.sender.type = "Bot";
    await harness().send("issue_comment", bot);
    const replies = github().calls("POST", /\/issues\/2\/comments$/);
    expect(replies).toHaveLength(1);
    expect((replies[0]!.body as { body: string }).body).toContain("@revue re-review");
    expect(await harness().boss.findJobs("review-pull-request", {})).toHaveLength(0);
  });

  it("reviews a huge PR within its budget and says what it skipped", async () => {
    await restart({
      REVUE_MAX_PROMPT_TOKENS: "6000",
      REVUE_MAX_CALLS_PER_REVIEW: "2",
    });
    installModel([{ review: modelReview([]) }]);
    const files = Array.from({ length: 3000 }, (_, i) => ({
      filename: `src/module-${String(i).padStart(4, "0")}.js`,
      status: "modified",
      additions: 4,
      deletions: 1,
      changes: 5,
      patch: APP_PATCH,
    }));
    github().files.set(PULL_NUMBER, files);
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    const [row] = await reviewsSettled(harness(), 1, 60_000);
    expect(row).toMatchObject({ status: "posted", files_total: 3000, model_calls: 2 });
    expect(row!.files_reviewed).toBeGreaterThan(0);
    expect(row!.files_reviewed).toBeLessThan(3000);
    // The files API was paged through to the end: 30 pages of 100.
    expect(github().calls("GET", /\/pulls\/2\/files/)).toHaveLength(30);
    const summary = github().issueComments[0]!.body;
    expect(summary).toContain(`Reviewed ${row!.files_reviewed} of 3000 changed files.`);
    expect(summary).toContain("over the review budget");
    expect(summary).toContain(`Skipped files (${3000 - row!.files_reviewed})`);
  });

  it("handles an empty PR and a PR of only deletions", async () => {
    installModel([{ review: modelReview([]) }]);
    github().files.set(PULL_NUMBER, []);
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await reviewsSettled(harness(), 1);
    const run = await checkRunCompleted(github());
    expect(run).toMatchObject({ conclusion: "neutral" });
    expect((run!.output as { summary: string }).summary).toContain("changes no files");

    const removal = [
      "@@ -1,3 +0,0 @@",
      "-const a = 1;",
      "-const b = 2;",
      "-module.exports = { a, b };",
    ].join("\n");
    github().files.set(PULL_NUMBER, [
      {
        filename: "src/old.js",
        status: "removed",
        additions: 0,
        deletions: 3,
        changes: 3,
        patch: removal,
      },
    ]);
    github().permissions.set("Codertocat", "admin");
    await harness().send("issue_comment", prComment("@revue re-review", "Codertocat"));
    const rows = await reviewsSettled(harness(), 2);
    expect(rows.at(-1)).toMatchObject({ status: "posted", files_reviewed: 1 });
    const prompt = (anthropic.requests[0]!.messages as { content: string }[])[0]!.content;
    expect(prompt).toContain("L1 - const a = 1;");
  });
});
