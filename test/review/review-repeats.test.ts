import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeAnthropic, type ModelReply } from "../helpers/fake-anthropic.ts";
import {
  changedFiles,
  examplePayload,
  INJECTION_FINDING,
  modelReview,
  NIT_FINDING,
  pullRequestOpened,
  PULL_NUMBER,
} from "../helpers/fixtures.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { reviewsSettled } from "../helpers/wait-for.ts";

/** `@revue re-review` from a maintainer, on the pull request. */
function reReview(id: number) {
  const payload = examplePayload("issue_comment", "created", (p) => Boolean(p.installation));
  payload.issue.number = PULL_NUMBER;
  payload.issue.pull_request = {
    url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/2",
  };
  payload.comment.id = id;
  payload.comment.body = "@revue re-review";
  payload.comment.user.login = "maintainer";
  payload.sender.login = "maintainer";
  return payload;
}

/**
 * Flow-level reproductions of the ways a finding used to be posted twice, or vanish: each review
 * runs through the webhook, the queue and the worker, against the strict stand-in for GitHub.
 */
describe.each(backends)("a finding is posted once, and never lost (%s)", (backend) => {
  const { harness, github } = useHarness(backend);
  let anthropic: FakeAnthropic;

  beforeEach(() => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
    github().permissions.set("maintainer", "maintain");
  });

  function installModel(replies: ModelReply[]) {
    anthropic = new FakeAnthropic(replies);
    anthropic.install();
  }

  /** Inline comments posted so far whose body carries `title`. */
  function postedWith(title: string): number {
    return github()
      .reviews.flatMap((review) => review.comments)
      .filter((comment) => String(comment.body).includes(title)).length;
  }

  async function reviewAgain(reviews: number) {
    await harness().send("issue_comment", reReview(7000 + reviews));
    return reviewsSettled(harness(), reviews);
  }

  it("a summary too long for GitHub is cut, and its findings are stored, so the next review repeats none", async () => {
    // Bug 3: a summary over 65,536 characters was refused after the inline review was posted, and
    // the findings were not stored yet: the next review posted the same comments again.
    github().configYaml = "max_inline_comments: 1\n";
    const many = Array.from({ length: 40 }, (_, i) => ({
      ...NIT_FINDING,
      title: `Unclear wording, part ${i}`,
      explanation: `${"This sentence is long on purpose. ".repeat(60)} (${i})`,
      severity: "minor" as const,
    }));
    const findings = [INJECTION_FINDING, ...many];
    installModel([{ review: modelReview(findings) }, { review: modelReview(findings) }]);

    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    const [first] = await reviewsSettled(harness(), 1);
    expect(first!.status).toBe("posted");
    const summary = github().issueComments[0]!.body;
    expect(summary.length).toBeLessThanOrEqual(65_536);
    const stored = await harness().db.db.selectFrom("findings").select("title").execute();
    expect(stored).toHaveLength(findings.length);

    const rows = await reviewAgain(2);
    expect(rows[1]!.status).toBe("posted");
    expect(postedWith(INJECTION_FINDING.title)).toBe(1);
  });

  it("a finding listed in the summary stays listed when the next review rewrites the summary", async () => {
    // Bug 4: with max_inline_comments 1 and two findings, the second vanished on re-review.
    github().configYaml = "max_inline_comments: 1\n";
    const both = [INJECTION_FINDING, NIT_FINDING];
    installModel([{ review: modelReview(both) }, { review: modelReview(both) }]);

    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await reviewsSettled(harness(), 1);
    expect(github().issueComments[0]!.body).toContain(NIT_FINDING.title);

    await reviewAgain(2);
    expect(github().issueComments).toHaveLength(1); // edited in place
    expect(github().issueComments[0]!.body).toContain(NIT_FINDING.title);
    expect(postedWith(NIT_FINDING.title)).toBe(0);
    expect(postedWith(INJECTION_FINDING.title)).toBe(1);
  });

  it("an addressed finding raised again is posted once more and stored, never a third time", async () => {
    // Bug 5: the re-raised finding was posted but its row was not updated, so every later review
    // posted it again.
    const one = [INJECTION_FINDING];
    installModel([
      { review: modelReview(one) },
      { review: modelReview(one) },
      { review: modelReview(one) },
    ]);
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await reviewsSettled(harness(), 1);
    // The author fixed it (as detect-addressed records), then the change brought it back.
    await harness().db.db.updateTable("findings").set({ status: "addressed" }).execute();

    await reviewAgain(2);
    expect(postedWith(INJECTION_FINDING.title)).toBe(2);
    const row = await harness()
      .db.db.selectFrom("findings")
      .select(["status", "github_comment_id"])
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("open");

    await reviewAgain(3);
    expect(postedWith(INJECTION_FINDING.title)).toBe(2);
    expect(anthropic.requests).toHaveLength(3);
  });

  it("a retry after the review was posted posts nothing more, pays the model once, and records what was posted", async () => {
    // Bug 7: a retry looked the posted review up only when there were comments, and recorded the
    // model's new answer as what had been posted.
    installModel([
      { review: modelReview([INJECTION_FINDING]) },
      { review: modelReview([NIT_FINDING]) },
    ]);
    // The first attempt dies right after GitHub took the review: storing its findings fails once.
    await sql`create sequence die_once`.execute(harness().db.db);
    await sql`create function die_on_first_finding() returns trigger language plpgsql as $$
      begin
        if nextval('die_once') = 1 then raise exception 'the process died here'; end if;
        return new;
      end $$`.execute(harness().db.db);
    await sql`create trigger die_on_first_finding before insert on findings
      for each row execute function die_on_first_finding()`.execute(harness().db.db);

    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    const [row] = await reviewsSettled(harness(), 1);

    expect(row!.status).toBe("posted");
    expect(github().reviews).toHaveLength(1);
    expect(anthropic.requests).toHaveLength(1);
    const stored = await harness().db.db.selectFrom("findings").select("title").execute();
    expect(stored).toEqual([{ title: INJECTION_FINDING.title }]);
  });

  it("a retry whose head moved after the review was posted keeps it as posted, never superseded", async () => {
    // Found by the fault harness: attempt 0 posted, failed to record, a push arrived, and the retry
    // closed the check run as "Superseded" over a review that is on the pull request.
    installModel([{ review: modelReview([INJECTION_FINDING]) }]);
    await sql`create sequence die_once`.execute(harness().db.db);
    await sql`create function die_on_first_finding() returns trigger language plpgsql as $$
      begin
        if nextval('die_once') = 1 then raise exception 'the database went away'; end if;
        return new;
      end $$`.execute(harness().db.db);
    await sql`create trigger die_on_first_finding before insert on findings
      for each row execute function die_on_first_finding()`.execute(harness().db.db);
    const newer = "c".repeat(40);
    github().afterAnswer = (request, status) => {
      if (
        request.method === "POST" &&
        /\/pulls\/\d+\/reviews$/.test(request.path) &&
        status < 300
      ) {
        github().pulls.get(PULL_NUMBER)!.head.sha = newer;
        github().afterAnswer = undefined;
      }
    };

    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    const [row] = await reviewsSettled(harness(), 1);

    expect(row).toMatchObject({ status: "posted", github_review_id: github().reviews[0]!.id });
    expect(row!.status_reason).toContain("not recorded before a newer push (ccccccc)");
    expect(github().reviews).toHaveLength(1);
    const [run] = [...github().checkRuns.values()];
    expect(run).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect((run!.output as { title: string }).title).not.toMatch(/superseded/i);
  });
});
