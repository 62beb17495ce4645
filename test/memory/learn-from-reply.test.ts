import { beforeEach, describe, expect, it } from "vitest";
import type { ReplyAnalysis } from "../../src/memory/reply-analysis.ts";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { changedFiles, pullRequestOpened } from "../helpers/fixtures.ts";
import {
  HEAD_SHA,
  jobsDone,
  PULL_NUMBER,
  replyComment,
  REPOSITORY_ID,
  seedFindings,
} from "./memory-fixtures.ts";

const ROOT = 5001;
const APP_SOURCE = [
  'const express = require("express");',
  'const { exec } = require("child_process");',
  "const app = express();",
  "",
  'app.get("/run", (req, res) => {',
  "  exec(req.query.cmd, (err, out) => res.send(out));",
  "});",
  "app.listen(3000);",
].join("\n");

describe.each(backends)("replies to Revue's comments on %s", (backend) => {
  const { harness, github } = useHarness(backend);
  let findingId: number;

  beforeEach(async () => {
    // Codertocat opened pull request #2 and, unless a test says otherwise, may write.
    github().permissions.set("Codertocat", "write");
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(2, changedFiles());
    github().contents.set(`${HEAD_SHA}:src/app.js`, Buffer.from(APP_SOURCE));
    [findingId] = await seedFindings(harness(), [
      {
        title: "Command injection through `cmd`",
        body: "`req.query.cmd` reaches `exec` unchecked.",
        category: "security",
        commentId: ROOT,
      },
    ]);
    github().threadComments.push({
      id: ROOT,
      body: "**🔴 Critical · security: Command injection through `cmd`**\n\n<!-- revue:finding:x -->",
      user: { login: "revue[bot]", type: "Bot" },
    });
    await harness().startWorkers();
  });

  function model(analysis: ReplyAnalysis) {
    const anthropic = new FakeAnthropic([{ text: JSON.stringify(analysis) }]);
    anthropic.install();
    return anthropic;
  }

  async function reply(body: string, login = "Codertocat", id = 6001) {
    github().threadComments.push({
      id,
      body,
      in_reply_to_id: ROOT,
      user: { login, type: "User" },
    });
    const response = await harness().send(
      "pull_request_review_comment",
      replyComment(body, { id, rootId: ROOT, login }),
    );
    expect(response.status).toBe(200);
  }

  const signals = () =>
    harness()
      .db.db.selectFrom("findings")
      .select(["rebutted", "author_rebutted"])
      .where("id", "=", findingId)
      .executeTakeFirstOrThrow();

  const threadReplies = () =>
    github()
      .calls("POST", /\/pulls\/2\/comments\/5001\/replies$/)
      .map((c) => (c.body as { body: string }).body);

  it("learns from a correction with a reason, marks the finding rebutted and says how to undo", async () => {
    const anthropic = model({
      intent: "correction",
      learning: {
        statement:
          "The /run endpoint is only reachable from the admin VPN; shelling out there is accepted.",
        kind: "fact",
        pathGlob: "src/app.js",
      },
      answer: null,
    });
    await reply("This is fine: /run is only exposed on the admin VPN, by design.");
    await jobsDone(harness(), "learn-from-reply");

    const memory = await harness()
      .db.db.selectFrom("memories")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(memory).toMatchObject({
      installation_id: 1,
      repository_id: REPOSITORY_ID,
      author: null,
      path_glob: "src/app.js",
      kind: "fact",
      source: "reply",
      taught_by: "Codertocat",
      finding_id: findingId,
      embedding_model: "local-hash-v2-384",
    });
    expect(await signals()).toEqual({ rebutted: true, author_rebutted: false });
    expect(threadReplies()).toHaveLength(1);
    expect(threadReplies()[0]).toContain(
      `Noted: The /run endpoint is only reachable from the admin VPN; shelling out there is accepted. (undo: \`@revue forget ${memory.id}\`)`,
    );

    // The model read the thread (the reply as untrusted data), the diff and the file.
    const prompt = JSON.stringify(anthropic.requests[0]);
    expect(prompt).toContain("<untrusted>This is fine: /run is only exposed on the admin VPN");
    expect(prompt).toContain("+  exec(req.query.cmd, (err, out) => res.send(out));");
    expect(prompt).toContain("6:   exec(req.query.cmd");
    expect(anthropic.requests).toHaveLength(1);
  });

  it("lets the pull request's author without write access teach for their own pull requests only", async () => {
    github().permissions.set("Codertocat", "read");
    const anthropic = model({
      intent: "correction",
      learning: { statement: "I prefer execFile over spawn.", kind: "preference", pathGlob: null },
      answer: null,
    });
    await reply("Not here: for my PRs I prefer execFile over spawn.");
    await jobsDone(harness(), "learn-from-reply");
    expect(anthropic.requests).toHaveLength(1);
    const memory = await harness()
      .db.db.selectFrom("memories")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(memory).toMatchObject({ author: "Codertocat", taught_by: "Codertocat" });
    expect(threadReplies()[0]).toContain("It applies to pull requests by @Codertocat.");
    // Rebutted for this pull request, not for the repository's memory gate.
    expect(await signals()).toEqual({ rebutted: false, author_rebutted: true });
  });

  it("ignores a correction from someone who has no write access and did not open the pull request", async () => {
    // `outsider` reads the repository (the fake's default role); the pull request is Codertocat's.
    const anthropic = model({
      intent: "correction",
      learning: { statement: "Shelling out is fine here.", kind: "fact", pathGlob: null },
      answer: null,
    });
    await reply("Wrong, exec is fine here.", "outsider");
    const [job] = await jobsDone(harness(), "learn-from-reply");
    expect(job!.state).toBe("completed");

    expect(anthropic.requests).toHaveLength(0);
    expect(await harness().db.db.selectFrom("memories").selectAll().execute()).toHaveLength(0);
    expect(await signals()).toEqual({ rebutted: false, author_rebutted: false });
    expect(threadReplies()).toHaveLength(0);
    // GitHub's permission answer decided it; the thread was never read.
    expect(github().calls("GET", /\/collaborators\/outsider\/permission$/)).toHaveLength(1);
    expect(github().calls("GET", /\/pulls\/2\/comments$/)).toHaveLength(0);
  });

  it("ignores a triager who did not open the pull request (triage is not write)", async () => {
    github().permissions.set("triager", "triage");
    const anthropic = model({
      intent: "correction",
      learning: { statement: "Shelling out is fine here.", kind: "fact", pathGlob: null },
      answer: null,
    });
    await reply("Wrong, exec is fine here.", "triager");
    await jobsDone(harness(), "learn-from-reply");
    expect(anthropic.requests).toHaveLength(0);
    expect(await signals()).toEqual({ rebutted: false, author_rebutted: false });
  });

  it("answers a question in the thread and learns nothing", async () => {
    model({
      intent: "question",
      learning: null,
      answer: "Use `execFile` with a fixed program and pass the user value as an argument.",
    });
    await reply("How would you fix it without losing the feature?");
    await jobsDone(harness(), "learn-from-reply");
    expect(threadReplies()).toHaveLength(1);
    expect(threadReplies()[0]).toContain("Use `execFile` with a fixed program");
    expect(threadReplies()[0]).toContain("<!-- revue:reply:6001 -->");
    expect(await harness().db.db.selectFrom("memories").selectAll().execute()).toHaveLength(0);
  });

  it("says nothing to a reply that is neither", async () => {
    model({ intent: "other", learning: null, answer: null });
    await reply("Thanks, fixed in the next commit.");
    await jobsDone(harness(), "learn-from-reply");
    expect(threadReplies()).toHaveLength(0);
    expect(await harness().db.db.selectFrom("memories").selectAll().execute()).toHaveLength(0);
  });

  it("never answers a bot or itself, and ignores threads Revue did not start", async () => {
    const anthropic = model({ intent: "other", learning: null, answer: null });
    await harness().send(
      "pull_request_review_comment",
      replyComment("Noted: something", {
        id: 6002,
        rootId: ROOT,
        login: "revue[bot]",
        type: "Bot",
      }),
    );
    await harness().send(
      "pull_request_review_comment",
      replyComment("beep", { id: 6003, rootId: ROOT, login: "dependabot[bot]", type: "Bot" }),
    );
    await harness().send(
      "pull_request_review_comment",
      replyComment("why?", { id: 6004, rootId: 4242 }),
    );
    expect(await harness().boss.findJobs("learn-from-reply", {})).toHaveLength(0);
    expect(anthropic.requests).toHaveLength(0);
  });
});
