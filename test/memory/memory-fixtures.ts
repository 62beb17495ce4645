import type { Harness } from "../helpers/revue-harness.ts";
import {
  examplePayload,
  HEAD_SHA,
  BASE_SHA,
  PULL_NUMBER,
  REPOSITORY_ID,
} from "../helpers/fixtures.ts";
import type { FindingStatus } from "../../src/db/schema.ts";
import type { JobName } from "../../src/queue/jobs.ts";

export { HEAD_SHA, BASE_SHA, PULL_NUMBER, REPOSITORY_ID };

/** Waits until `count` jobs of `name` exist and all have finished (polling, no fixed sleep). */
export async function jobsDone(harness: Harness, name: JobName, count = 1, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await harness.boss.findJobs(name, {});
    if (
      jobs.length >= count &&
      jobs.every((j) => ["completed", "failed", "cancelled"].includes(j.state))
    )
      return jobs;
    if (Date.now() > deadline)
      throw new Error(`${name} jobs not done: ${JSON.stringify(jobs.map((j) => j.state))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The recorded `issue_comment.created` delivery, moved onto pull request #2 of installation `installationId`. */
export function commandComment(body: string, login = "Codertocat", installationId = 1) {
  const payload = examplePayload("issue_comment", "created", (p) => Boolean(p.installation));
  payload.installation = { id: installationId };
  payload.issue.number = PULL_NUMBER;
  payload.issue.pull_request = {
    url: `https://api.github.com/repos/Codertocat/Hello-World/pulls/${PULL_NUMBER}`,
  };
  payload.comment.body = body;
  payload.comment.user.login = login;
  payload.sender.login = login;
  // Each comment of a test is its own comment on GitHub.
  commentCounter += 1;
  payload.comment.id = 9_000_000 + commentCounter;
  payload.comment.html_url = `https://github.com/Codertocat/Hello-World/pull/2#issuecomment-${payload.comment.id}`;
  return payload;
}

let commentCounter = 0;

/** The recorded `pull_request_review_comment.created` delivery, as a reply to `rootId`. */
export function replyComment(
  body: string,
  options: { id: number; rootId: number; login?: string; type?: "User" | "Bot" },
) {
  const payload = examplePayload("pull_request_review_comment", "created", (p) =>
    Boolean(p.installation),
  );
  const login = options.login ?? "Codertocat";
  payload.installation = { id: 1 };
  payload.comment.id = options.id;
  payload.comment.in_reply_to_id = options.rootId;
  payload.comment.body = body;
  payload.comment.html_url = `https://github.com/Codertocat/Hello-World/pull/2#discussion_r${options.id}`;
  payload.comment.user.login = login;
  payload.comment.user.type = options.type ?? "User";
  payload.sender.login = login;
  payload.sender.type = options.type ?? "User";
  return payload;
}

export type SeedFinding = {
  title: string;
  body: string;
  category?: string;
  status?: FindingStatus;
  path?: string;
  line?: number;
  startLine?: number | null;
  commentId?: number | null;
  rebutted?: boolean;
  thumbsUp?: number;
  thumbsDown?: number;
  /** The pull request author's own signals (no write access). */
  authorRebutted?: boolean;
  authorThumbsUp?: number;
  authorThumbsDown?: number;
  pullNumber?: number;
  installationId?: number;
  repositoryId?: number;
  headSha?: string;
};

/** Stores a posted review and its findings, as the pipeline would have. Returns the finding ids. */
export async function seedFindings(harness: Harness, findings: SeedFinding[]): Promise<number[]> {
  const ids: number[] = [];
  for (const [index, f] of findings.entries()) {
    const installationId = f.installationId ?? 1;
    const repositoryId = f.repositoryId ?? REPOSITORY_ID;
    const pullNumber = f.pullNumber ?? PULL_NUMBER;
    const headSha = f.headSha ?? HEAD_SHA;
    const review = await harness.db.db
      .insertInto("reviews")
      .values({
        installation_id: installationId,
        repository_id: repositoryId,
        pull_number: pullNumber,
        base_sha: BASE_SHA,
        head_sha: headSha,
        from_sha: BASE_SHA,
        trigger: "opened",
        mode: "full",
        status: "posted",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const row = await harness.db.db
      .insertInto("findings")
      .values({
        review_id: review.id,
        installation_id: installationId,
        repository_id: repositoryId,
        pull_number: pullNumber,
        fingerprint: `seed-${index}-${Math.random().toString(16).slice(2)}`,
        path: f.path ?? "src/app.js",
        side: "RIGHT",
        start_line: f.startLine ?? null,
        line: f.line ?? 6,
        severity: "major",
        category: f.category ?? "correctness",
        title: f.title,
        body: f.body,
        quoted_code: "exec(req.query.cmd, (err, out) => res.send(out));",
        suggestion: null,
        status: f.status ?? "open",
        github_comment_id: f.commentId ?? null,
        head_sha: headSha,
        rebutted: f.rebutted ?? false,
        thumbs_up: f.thumbsUp ?? 0,
        thumbs_down: f.thumbsDown ?? 0,
        author_rebutted: f.authorRebutted ?? false,
        author_thumbs_up: f.authorThumbsUp ?? 0,
        author_thumbs_down: f.authorThumbsDown ?? 0,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return ids;
}
