import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import {
  APP_PATCH,
  changedFiles,
  INJECTION_FINDING,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
} from "../helpers/fixtures.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { jobsIdle, reviewsSettled } from "../helpers/wait-for.ts";

// A NUL and a lone surrogate, as a model's answer or a binary-ish patch can carry them; PostgreSQL
// refuses both in text it stores.
const HOSTILE = "\u0000 \ud83d";
const INJECTED_LINE = "+  exec(req.query.cmd, (err, out) => res.send(out));";

describe.each(backends)("a review with hostile text on %s", (backend) => {
  const { harness, github } = useHarness(backend);

  beforeEach(() => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
  });

  it("stores a review whose patch and model output carry NUL and lone surrogates", async () => {
    const files = changedFiles();
    files[0]!.patch = APP_PATCH.replace(INJECTED_LINE, `${INJECTED_LINE} //${HOSTILE}`);
    github().files.set(PULL_NUMBER, files);
    const finding = {
      ...INJECTION_FINDING,
      title: `Command injection ${HOSTILE}`,
      explanation: `${INJECTION_FINDING.explanation} ${HOSTILE}`,
      quotedCode: `exec(req.query.cmd, (err, out) => res.send(out)); //${HOSTILE}`,
    };
    const review = modelReview([finding]);
    review.summary.walkthrough += HOSTILE;
    new FakeAnthropic([{ review }]).install();

    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    const [row] = await reviewsSettled(harness());
    expect(row!.status).toBe("posted");
    expect(row!.model_output).not.toBeNull();
    const stored = await harness()
      .db.db.selectFrom("findings")
      .select(["title", "quoted_code"])
      .executeTakeFirstOrThrow();
    expect(stored.title).toBe("Command injection \uFFFD \uFFFD");
    const [run] = [...github().checkRuns.values()];
    expect(run).toMatchObject({ status: "completed", conclusion: "success" });
    // Stored at the first attempt: not saved by a retry that reread a cleaned stored answer.
    const [job] = await jobsIdle(harness());
    expect(job!.retryCount).toBe(0);
  });

  it("never reports a posted review as failed when recording it keeps failing", async () => {
    github().files.set(PULL_NUMBER, changedFiles());
    new FakeAnthropic([{ review: modelReview() }]).install();
    // The findings can never be stored: every attempt fails after the review is on GitHub.
    const { db } = harness().db;
    await sql`
      create function refuse_findings() returns trigger language plpgsql as $$
      begin raise exception 'findings refused for this test'; end $$`.execute(db);
    await sql`
      create trigger refuse_findings before insert on findings
      for each row execute function refuse_findings()`.execute(db);

    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    const [row] = await reviewsSettled(harness(), 1, 60_000);
    await jobsIdle(harness(), 60_000);
    expect(row!.status).toBe("posted");
    expect(row!.status_reason).toContain("findings refused for this test");
    expect(github().calls("POST", /\/pulls\/2\/reviews$/)).toHaveLength(1);
    const [run] = [...github().checkRuns.values()];
    expect(run).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect((run!.output as { title: string }).title).toContain("posted");
    expect(await harness().boss.findJobs("review-pull-request-dead", {})).toHaveLength(0);
  });
});
