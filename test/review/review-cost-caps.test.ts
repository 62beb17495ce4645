import { beforeEach, describe, expect, it } from "vitest";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import {
  changedFiles,
  INSTALLATION_ID,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
  REPOSITORY_ID,
} from "../helpers/fixtures.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { checkRunCompleted, jobsIdle } from "../helpers/wait-for.ts";

describe.each(backends)("cost caps (%s)", (backend) => {
  const { harness, github, restart } = useHarness(backend, {
    env: { REVUE_COST_CAP_REPOSITORY_DAY_USD: "0.10" },
  });

  beforeEach(async () => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
  });

  /** A review of another pull request of this repository, today, that cost `usd`. */
  async function spentToday(usd: number) {
    await harness()
      .db.db.insertInto("reviews")
      .values({
        installation_id: INSTALLATION_ID,
        repository_id: REPOSITORY_ID,
        pull_number: PULL_NUMBER + 100,
        base_sha: "b".repeat(40),
        head_sha: "h".repeat(40),
        from_sha: "b".repeat(40),
        trigger: "opened",
        mode: "full",
        status: "posted",
        model_calls: 1,
        input_tokens: 20_000,
        output_tokens: 1000,
        cost_usd: usd,
      })
      .execute();
  }

  it("skips a review that would pass the repository's daily cap: neutral check run, no model call", async () => {
    await spentToday(0.09);
    const anthropic = new FakeAnthropic([{ review: modelReview() }]);
    anthropic.install();

    await harness().send("pull_request", pullRequestOpened(), "capped-1");
    await harness().startWorkers();
    const run = await checkRunCompleted(github());
    await jobsIdle(harness());

    expect(run).toMatchObject({
      conclusion: "neutral",
      output: { title: "Not reviewed: the daily cost cap is reached" },
    });
    const summary = (run.output as { summary: string }).summary;
    expect(summary).toContain("has used $0.09 of its $0.10 today (UTC)");
    expect(summary).toContain("REVUE_COST_CAP_REPOSITORY_DAY_USD");
    expect(summary).toContain("about $0.09");
    expect(anthropic.requests).toHaveLength(0);
    expect(github().reviews).toHaveLength(0);
  });

  it("reviews while the day's spend and a typical review fit, and counts what it paid", async () => {
    await restart({ REVUE_COST_CAP_REPOSITORY_DAY_USD: "1.00" });
    await spentToday(0.09);
    new FakeAnthropic([{ review: modelReview() }]).install();

    await harness().send("pull_request", pullRequestOpened(), "capped-2");
    await harness().startWorkers();
    const run = await checkRunCompleted(github());

    expect(run).toMatchObject({ conclusion: "success" });
    expect(github().reviews).toHaveLength(1);
    const row = await harness()
      .db.db.selectFrom("reviews")
      .select(["cost_usd", "model_calls"])
      .where("pull_number", "=", PULL_NUMBER)
      .executeTakeFirstOrThrow();
    expect(Number(row.cost_usd)).toBeGreaterThan(0);
    expect(row.model_calls).toBeGreaterThan(0);
  });
});
