import { beforeEach, describe, expect, it } from "vitest";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import { examplePayload, modelReview, pullRequestOpened } from "../helpers/fixtures.ts";
import { HEAD_SHA, jobsDone, PULL_NUMBER, seedFindings } from "./memory-fixtures.ts";

const person = (login: string) => ({ login, type: "User" });

describe.each(backends)("signals on findings on %s", (backend) => {
  const { harness, github } = useHarness(backend);

  beforeEach(async () => {
    for (const writer of ["alice", "bob", "carol"]) github().permissions.set(writer, "write");
    await harness().startWorkers();
  });

  const findingsById = async () =>
    new Map(
      (await harness().db.db.selectFrom("findings").selectAll().execute()).map((f) => [f.id, f]),
    );

  it("reads the 👍/👎 on Revue's comments when the pull request is closed", async () => {
    const [liked, disliked, silent] = await seedFindings(harness(), [
      { title: "Missing await", body: "`save()` is not awaited.", commentId: 5001 },
      { title: "Magic number", body: "Name `250`.", commentId: 5002 },
      { title: "Only in the summary", body: "No inline comment.", status: "summary" },
    ]);
    github().reviewCommentReactions.set(5001, [
      { content: "+1", user: person("alice") },
      { content: "+1", user: { login: "some-bot[bot]", type: "Bot" } },
      { content: "-1", user: person("bob") },
      { content: "+1", user: person("carol") },
    ]);
    github().reviewCommentReactions.set(5002, [
      { content: "-1", user: person("alice") },
      { content: "-1", user: person("bob") },
      { content: "heart", user: person("carol") },
    ]);
    const closed = examplePayload("pull_request", "closed", (p) => Boolean(p.installation));
    closed.installation = { id: 1 };
    const response = await harness().send("pull_request", closed);
    expect(response.status).toBe(200);
    await jobsDone(harness(), "collect-reactions");

    const rows = await findingsById();
    expect(rows.get(liked!)).toMatchObject({ thumbs_up: 2, thumbs_down: 1 });
    expect(rows.get(liked!)!.reactions_read_at).not.toBeNull();
    expect(rows.get(disliked!)).toMatchObject({ thumbs_up: 0, thumbs_down: 2 });
    expect(rows.get(silent!)).toMatchObject({
      thumbs_up: 0,
      thumbs_down: 0,
      reactions_read_at: null,
    });
    expect(github().calls("GET", /\/pulls\/comments\/\d+\/reactions/)).toHaveLength(2);
  });

  it("counts no 👍/👎 of people who have no write access and did not open the pull request", async () => {
    const [first, second] = await seedFindings(harness(), [
      { title: "Missing await", body: "`save()` is not awaited.", commentId: 5001 },
      { title: "Magic number", body: "Name `250`.", commentId: 5002 },
    ]);
    github().permissions.set("triager", "triage");
    github().reviewCommentReactions.set(5001, [
      { content: "-1", user: person("alice") },
      { content: "-1", user: person("reader") },
      { content: "-1", user: person("drive-by") },
      { content: "+1", user: person("triager") },
      { content: "heart", user: person("someone") },
    ]);
    // The pull request's author (Codertocat) reads only: their votes count for this pull request.
    github().reviewCommentReactions.set(5002, [
      { content: "-1", user: person("Codertocat") },
      { content: "+1", user: person("reader") },
      { content: "+1", user: person("ALICE") },
    ]);
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    const closed = examplePayload("pull_request", "closed", (p) => Boolean(p.installation));
    closed.installation = { id: 1 };
    await harness().send("pull_request", closed);
    await jobsDone(harness(), "collect-reactions");

    const rows = await findingsById();
    expect(rows.get(first!)).toMatchObject({
      thumbs_up: 0,
      thumbs_down: 1,
      author_thumbs_up: 0,
      author_thumbs_down: 0,
    });
    expect(rows.get(second!)).toMatchObject({
      thumbs_up: 1,
      thumbs_down: 0,
      author_thumbs_up: 0,
      author_thumbs_down: 1,
    });
    // One permission call per person for the whole run (logins are case-insensitive), none for a
    // reaction that is not a vote, and the pull request's author read once.
    const asked = github()
      .calls("GET", /\/collaborators\/[^/]+\/permission$/)
      .map((c) => c.path.split("/").at(-2)!.toLowerCase())
      .sort();
    expect(asked).toEqual(["alice", "codertocat", "drive-by", "reader", "triager"]);
    expect(github().calls("GET", /\/pulls\/2$/)).toHaveLength(1);
  });

  it("enqueues nothing when a closed pull request has no Revue comments", async () => {
    const closed = examplePayload("pull_request", "closed", (p) => Boolean(p.installation));
    closed.installation = { id: 1 };
    await harness().send("pull_request", closed);
    expect(await harness().boss.findJobs("collect-reactions", {})).toHaveLength(0);
  });

  it("marks a finding addressed when a push changes its lines, and reads reactions before the review", async () => {
    const newHead = "b".repeat(40);
    const [changed, untouched] = await seedFindings(harness(), [
      {
        title: "Command injection through `cmd`",
        body: "`req.query.cmd` reaches `exec`.",
        line: 6,
        commentId: 5001,
      },
      {
        title: "Prefer execFile",
        body: "Import `execFile` instead.",
        line: 2,
        commentId: 5002,
      },
    ]);
    github().reviewCommentReactions.set(5001, [{ content: "+1", user: person("alice") }]);
    const pr = pullRequestOpened().pull_request;
    pr.head.sha = newHead;
    github().pulls.set(PULL_NUMBER, pr);
    const patch = [
      "@@ -5,3 +5,3 @@ const app = express();",
      ' app.get("/run", (req, res) => {',
      "-  exec(req.query.cmd, (err, out) => res.send(out));",
      '+  execFile("/usr/bin/uptime", (err, out) => res.send(out));',
      " });",
    ].join("\n");
    const file = {
      filename: "src/app.js",
      status: "modified",
      additions: 1,
      deletions: 1,
      changes: 2,
      patch,
    };
    github().files.set(PULL_NUMBER, [file]);
    github().compares.set(`${HEAD_SHA}...${newHead}`, { status: "ahead", files: [file] });
    new FakeAnthropic([{ review: modelReview([]) }]).install();

    const push = examplePayload("pull_request", "synchronize");
    push.installation = { id: 1 };
    push.pull_request.head.sha = newHead;
    await harness().send("pull_request", push);
    await jobsDone(harness(), "review-pull-request");

    const rows = await findingsById();
    expect(rows.get(changed!)).toMatchObject({
      status: "addressed",
      addressed_sha: newHead,
      thumbs_up: 1,
    });
    expect(rows.get(untouched!)).toMatchObject({ status: "open", addressed_at: null });
    // The review itself still ran, incrementally.
    const reviews = await harness()
      .db.db.selectFrom("reviews")
      .selectAll()
      .where("head_sha", "=", newHead)
      .execute();
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ status: "posted", mode: "incremental" });
  });

  it("decides nothing after a force-push (the old head is no ancestor)", async () => {
    const newHead = "c".repeat(40);
    const [finding] = await seedFindings(harness(), [
      { title: "Command injection", body: "exec", line: 6, commentId: 5001 },
    ]);
    const pr = pullRequestOpened().pull_request;
    pr.head.sha = newHead;
    github().pulls.set(PULL_NUMBER, pr);
    github().files.set(PULL_NUMBER, []);
    github().compares.set(`${HEAD_SHA}...${newHead}`, {
      status: "diverged",
      files: [
        { filename: "src/app.js", status: "removed", additions: 0, deletions: 9, changes: 9 },
      ],
    });
    new FakeAnthropic([{ review: modelReview([]) }]).install();
    const push = examplePayload("pull_request", "synchronize");
    push.installation = { id: 1 };
    push.pull_request.head.sha = newHead;
    await harness().send("pull_request", push);
    await jobsDone(harness(), "review-pull-request");
    expect((await findingsById()).get(finding!)).toMatchObject({ status: "open" });
  });
});
