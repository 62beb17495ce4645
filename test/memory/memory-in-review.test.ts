import { beforeEach, describe, expect, it } from "vitest";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { rememberStatement } from "../../src/memory/memory-store.ts";
import type { ModelReview } from "../../src/review/review-output.ts";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import {
  changedFiles,
  INJECTION_FINDING,
  modelReview,
  pullRequestOpened,
} from "../helpers/fixtures.ts";
import { jobsDone, PULL_NUMBER, REPOSITORY_ID, seedFindings } from "./memory-fixtures.ts";
import type { ReviewReport } from "../../src/review/review-report.ts";

/** A finding of the kind this team keeps rejecting (`any` in test helpers). */
const ANY_FINDING: ModelReview["findings"][number] = {
  path: "src/app.js",
  side: "RIGHT",
  line: 2,
  startLine: null,
  severity: "minor",
  category: "maintainability",
  confidence: "medium",
  title: "Avoid `any` in the test helper",
  explanation:
    "`makeRequest` returns `any`, which turns off type checking for every test that uses it. Type the return value.",
  quotedCode: 'const { exec } = require("child_process");',
  replacement: null,
};

describe.each(backends)("team memory in a review on %s", (backend) => {
  const { harness, github } = useHarness(backend);

  beforeEach(() => {
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
  });

  it("puts the memories that apply in the prompt, drops a finding like rejected ones and keeps one like addressed ones", async () => {
    // This repository's past verdicts, on an older pull request.
    await seedFindings(harness(), [
      {
        pullNumber: 1,
        status: "dismissed",
        category: "maintainability",
        title: "Avoid `any` in test helper",
        body: "`makeFakeRequest` returns `any`, which turns off type checking for every test that uses it. Type the return value as `Request`.",
      },
      {
        pullNumber: 1,
        rebutted: true,
        category: "maintainability",
        title: "Replace `any` with a precise type in fixtures",
        body: "The fixture builder `buildPayload(): any` hides type errors in tests.",
      },
      {
        pullNumber: 1,
        status: "addressed",
        category: "security",
        title: "Command injection through `file`",
        body: "`req.query.file` reaches `exec` unchecked, so a visitor runs shell commands on the server.",
      },
    ]);
    // Another installation rejected exactly the injection finding: that must not matter here.
    await seedFindings(harness(), [
      {
        installationId: 2,
        pullNumber: 1,
        status: "dismissed",
        category: INJECTION_FINDING.category,
        title: INJECTION_FINDING.title,
        body: INJECTION_FINDING.explanation,
      },
    ]);
    const embedder = createLocalEmbedder();
    const memory = (over: Parameters<typeof rememberStatement>[2]) =>
      rememberStatement(harness().db.db, embedder, over);
    const applies = await memory({
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      kind: "convention",
      source: "command",
      statement: "Use execFile, never exec, for anything that runs a program.",
      taught_by: "Codertocat",
    });
    await memory({
      installation_id: 2,
      repository_id: REPOSITORY_ID,
      kind: "fact",
      source: "command",
      statement: "Installation two keeps its conventions to itself.",
      taught_by: "other",
    });
    await memory({
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      author: "someone-else",
      kind: "preference",
      source: "reply",
      statement: "Someone else's own preference.",
      taught_by: "someone-else",
    });
    await memory({
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      path_glob: "docs/**",
      kind: "convention",
      source: "command",
      statement: "Docs use British spelling.",
      taught_by: "Codertocat",
    });

    const anthropic = new FakeAnthropic([
      { review: modelReview([INJECTION_FINDING, ANY_FINDING]) },
    ]);
    anthropic.install();
    await harness().send("pull_request", pullRequestOpened());
    await harness().startWorkers();
    await jobsDone(harness(), "review-pull-request");

    const prompt = JSON.stringify(anthropic.requests[0]);
    expect(prompt).toContain("<team_memory");
    expect(prompt).toContain(
      `[memory ${applies.id}, convention] Use execFile, never exec, for anything that runs a program.`,
    );
    expect(prompt).not.toContain("Installation two");
    expect(prompt).not.toContain("Someone else's own preference");
    expect(prompt).not.toContain("British spelling");

    const posted = github().reviews.flatMap((r) => r.comments.map((c) => c.body as string));
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain("Command injection through `cmd`");
    const summary = github().issueComments[0]!.body;
    expect(summary).toContain("1 finding(s) suppressed by team memory");
    expect(summary).not.toContain("Avoid `any`");
    // The review's report says which finding the gate dropped, like which rejected one, for the dashboard.
    const { report } = await harness()
      .db.db.selectFrom("reviews")
      .select("report")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    const rejectedIds = (
      await harness()
        .db.db.selectFrom("findings")
        .select("id")
        .where("installation_id", "=", 1)
        .where((eb) => eb.or([eb("status", "=", "dismissed"), eb("rebutted", "=", true)]))
        .execute()
    ).map((f) => Number(f.id));
    const recorded = report as ReviewReport;
    expect(recorded.suppressed).toHaveLength(1);
    expect(recorded.suppressed[0]).toMatchObject({
      title: ANY_FINDING.title,
      path: ANY_FINDING.path,
      severity: ANY_FINDING.severity,
    });
    expect(rejectedIds).toContain(recorded.suppressed[0]!.likeFindingId);
    expect(recorded.suppressed[0]!.similarity).toBeGreaterThan(0.5);
    expect(recorded.memoryIds).toEqual([applies.id]);

    const used = await harness()
      .db.db.selectFrom("memories")
      .select(["id", "use_count", "last_used_at"])
      .where("use_count", ">", 0)
      .execute();
    expect(used.map((m) => m.id)).toEqual([applies.id]);
    // Past findings with a verdict were embedded once, with the model's name.
    const embedded = await harness()
      .db.db.selectFrom("findings")
      .select(["installation_id", "embedding_model"])
      .where("embedding_model", "is not", null)
      .execute();
    expect(embedded).toHaveLength(3);
    expect(embedded.every((f) => f.installation_id === 1)).toBe(true);
  });

  it.each([
    { where: "on another pull request", pullNumber: 1, suppressed: false },
    { where: "on this pull request", pullNumber: PULL_NUMBER, suppressed: true },
  ])(
    "counts the rebuttal and 👎 of a pull request's author without write access only on that pull request ($where)",
    async ({ pullNumber, suppressed }) => {
      // Made on an earlier head, so this head is still to be reviewed.
      const headSha = "a".repeat(40);
      await seedFindings(harness(), [
        {
          pullNumber,
          headSha,
          authorRebutted: true,
          category: "maintainability",
          title: "Avoid `any` in test helper",
          body: "`makeFakeRequest` returns `any`, which turns off type checking for every test that uses it. Type the return value as `Request`.",
        },
        {
          pullNumber,
          headSha,
          authorThumbsDown: 1,
          category: "maintainability",
          title: "Replace `any` with a precise type in fixtures",
          body: "The fixture builder `buildPayload(): any` hides type errors in tests.",
        },
      ]);
      new FakeAnthropic([{ review: modelReview([INJECTION_FINDING, ANY_FINDING]) }]).install();
      await harness().send("pull_request", pullRequestOpened());
      await harness().startWorkers();
      await jobsDone(harness(), "review-pull-request");

      const posted = github().reviews.flatMap((r) => r.comments.map((c) => c.body as string));
      expect(posted).toHaveLength(suppressed ? 1 : 2);
      const summary = github().issueComments[0]!.body;
      expect(summary.includes("1 finding(s) suppressed by team memory")).toBe(suppressed);
    },
  );
});
