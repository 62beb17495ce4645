import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import {
  changedFiles,
  HEAD_SHA,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
} from "../helpers/fixtures.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { reviewsSettled } from "../helpers/wait-for.ts";

describe.each(backends)("the check run of a review whose attempt died (%s)", (backend) => {
  const { harness, github } = useHarness(backend);

  beforeEach(() => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
  });

  /**
   * The first attempt dies after GitHub opened its check run and before its id reached the review
   * row (a sequence, not a table: it survives the failed statement).
   */
  async function dieBeforeStoringTheCheckRun() {
    await sql`create sequence die_once`.execute(harness().db.db);
    await sql`create function die_storing_check_run() returns trigger language plpgsql as $$
      begin
        if new.check_run_id is not null and nextval('die_once') = 1 then
          raise exception 'the process died here';
        end if;
        return new;
      end $$`.execute(harness().db.db);
    await sql`create trigger die_storing_check_run before update on reviews
      for each row execute function die_storing_check_run()`.execute(harness().db.db);
  }

  it("is found again by its external id and closed: one check run per head, none left open", async () => {
    await dieBeforeStoringTheCheckRun();
    new FakeAnthropic([{ review: modelReview() }]).install();

    await harness().send("pull_request", pullRequestOpened(), "delivery-crash");
    await harness().startWorkers();
    const [row] = await reviewsSettled(harness());

    expect(row).toMatchObject({ status: "posted", head_sha: HEAD_SHA });
    const runs = [...github().checkRuns.values()];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      head_sha: HEAD_SHA,
      status: "completed",
      conclusion: "success",
      external_id: expect.stringMatching(/^revue-job:/),
    });
    expect(Number(row!.check_run_id)).toBe(runs[0]!.id);
    expect(github().calls("POST", /\/check-runs$/)).toHaveLength(1);
  });

  it("is found on the head it was opened on and closed as superseded when a push came in between", async () => {
    await dieBeforeStoringTheCheckRun();
    const newer = "d".repeat(40);
    github().afterAnswer = (request, status) => {
      if (request.method === "POST" && /\/check-runs$/.test(request.path) && status === 201) {
        github().pulls.get(PULL_NUMBER)!.head.sha = newer;
        github().afterAnswer = undefined;
      }
    };
    const anthropic = new FakeAnthropic([{ review: modelReview() }]);
    anthropic.install();

    await harness().send("pull_request", pullRequestOpened(), "delivery-crash-push");
    await harness().startWorkers();
    const [row] = await reviewsSettled(harness());

    expect(row).toMatchObject({ status: "superseded", head_sha: HEAD_SHA });
    const runs = [...github().checkRuns.values()];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      head_sha: HEAD_SHA,
      status: "completed",
      conclusion: "neutral",
    });
    expect((runs[0]!.output as { title: string }).title).toContain(newer.slice(0, 7));
    expect(anthropic.requests).toHaveLength(0);
  });
});
