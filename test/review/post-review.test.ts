import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Octokit } from "../../src/github/github-types.ts";
import { postReview, type ReviewComment } from "../../src/review/post-review.ts";
import { FakeGitHub, GITHUB_API } from "../helpers/fake-github.ts";
import { HEAD_SHA } from "../helpers/fixtures.ts";
import { TestOctokit } from "../helpers/revue-harness.ts";
import { silentLogger } from "../helpers/silent-logger.ts";

const PULL = 7;
const BODY = "**Revue** left 3 comments";

/** Three comments on lines 1, 2 and 3 of one file. */
const COMMENTS: ReviewComment[] = [1, 2, 3].map((line) => ({
  path: "src/app.js",
  body: `comment on line ${line}`,
  line,
  side: "RIGHT",
}));

/** GitHub's refusal of a review holding a comment on one of `lines`. */
function refuseLines(...lines: number[]) {
  return (comments: { line: number }[]) =>
    comments.some((c) => lines.includes(c.line))
      ? "Pull request review thread line must be part of the diff"
      : null;
}

describe("postReview", () => {
  let github: FakeGitHub;
  let octokit: Octokit;

  beforeEach(() => {
    nock.disableNetConnect();
    github = new FakeGitHub();
    octokit = new TestOctokit({ auth: "ghs_test" }) as unknown as Octokit;
  });

  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const target = () => ({
    owner: github.owner,
    repo: github.repo,
    pullNumber: PULL,
    commitId: HEAD_SHA,
  });
  const post = (comments: ReviewComment[]) =>
    postReview(octokit, target(), BODY, comments, silentLogger());

  /** The requests postReview made, as `METHOD path` and the review event and comment lines sent. */
  function trace() {
    return github.requests.map((r) => {
      const body = r.body as { event?: string; comments?: { line: number }[] } | null;
      const path = r.path.replace(`/repos/${github.owner}/${github.repo}/pulls/${PULL}`, "");
      if (r.method !== "POST") return `${r.method} ${path.split("?")[0]}`;
      return `POST ${path} ${body?.event ?? "pending"} [${body?.comments?.map((c) => c.line).join(",")}]`;
    });
  }

  it("posts one review with event COMMENT, the body, the commit and every comment", async () => {
    github.install();
    const result = await post(COMMENTS);
    expect(github.requests).toEqual([
      {
        method: "POST",
        path: `/repos/${github.owner}/${github.repo}/pulls/${PULL}/reviews`,
        body: { commit_id: HEAD_SHA, body: BODY, event: "COMMENT", comments: COMMENTS },
      },
    ]);
    expect(github.reviews).toMatchObject([{ state: "COMMENTED", event: "COMMENT" }]);
    expect(result).toEqual({ reviewId: github.reviews[0]!.id, posted: COMMENTS, rejected: [] });
  });

  it("finds the refused comment by bisection over pending reviews it deletes, then posts the rest with COMMENT", async () => {
    github.install();
    github.refuseReview = refuseLines(3);
    const result = await post(COMMENTS);
    // The whole set, then halves of ceil(n / 2): [1,2] passes, [3] is refused; a pending review
    // that passed is deleted.
    expect(trace()).toEqual([
      "POST /reviews COMMENT [1,2,3]",
      "GET /reviews",
      "POST /reviews pending [1,2,3]",
      "POST /reviews pending [1,2]",
      expect.stringMatching(/^DELETE \/reviews\/\d+$/),
      "POST /reviews pending [3]",
      "POST /reviews COMMENT [1,2]",
    ]);
    const final = github.requests.at(-1)!.body;
    expect(final).toEqual({
      commit_id: HEAD_SHA,
      body: BODY,
      event: "COMMENT",
      comments: COMMENTS.slice(0, 2),
    });
    expect(github.reviews.map((r) => [r.state, r.comments.length])).toEqual([["COMMENTED", 2]]);
    expect(result).toEqual({
      reviewId: github.reviews[0]!.id,
      posted: COMMENTS.slice(0, 2),
      rejected: [
        {
          comment: COMMENTS[2],
          message: expect.stringContaining(
            "Pull request review thread line must be part of the diff",
          ),
        },
      ],
    });
  });

  it("bisects down to each refused comment, keeping the others in their order", async () => {
    github.install();
    github.refuseReview = refuseLines(1, 3);
    const result = await post(COMMENTS);
    expect(trace()).toEqual([
      "POST /reviews COMMENT [1,2,3]",
      "GET /reviews",
      "POST /reviews pending [1,2,3]",
      "POST /reviews pending [1,2]",
      "POST /reviews pending [1]",
      "POST /reviews pending [2]",
      expect.stringMatching(/^DELETE \/reviews\/\d+$/),
      "POST /reviews pending [3]",
      "POST /reviews COMMENT [2]",
    ]);
    expect(result.posted).toEqual([COMMENTS[1]]);
    expect(result.rejected.map((r) => r.comment)).toEqual([COMMENTS[0], COMMENTS[2]]);
  });

  it("still posts the body with COMMENT and no comments when GitHub refuses every comment", async () => {
    github.install();
    github.refuseReview = (comments) => (comments.length > 0 ? "Line could not be resolved" : null);
    const result = await post(COMMENTS.slice(0, 2));
    expect(trace()).toEqual([
      "POST /reviews COMMENT [1,2]",
      "GET /reviews",
      "POST /reviews pending [1,2]",
      "POST /reviews pending [1]",
      "POST /reviews pending [2]",
      "POST /reviews COMMENT []",
    ]);
    expect(github.reviews).toMatchObject([{ state: "COMMENTED", body: BODY, comments: [] }]);
    expect(result.posted).toEqual([]);
    expect(result.rejected.map((r) => r.comment)).toEqual(COMMENTS.slice(0, 2));
  });

  it("deletes a pending review an earlier crash left behind before bisecting, and only that one", async () => {
    github.install();
    const left = { pullNumber: PULL, body: "", commit_id: HEAD_SHA, comments: [] };
    github.reviews.push(
      { ...left, id: 1, state: "COMMENTED", event: "COMMENT" },
      { ...left, id: 2, state: "PENDING" },
    );
    github.refuseReview = refuseLines(2);
    const result = await post(COMMENTS.slice(0, 2));
    expect(trace()).toEqual([
      "POST /reviews COMMENT [1,2]",
      "GET /reviews",
      "DELETE /reviews/2",
      "POST /reviews pending [1,2]",
      "POST /reviews pending [1]",
      expect.stringMatching(/^DELETE \/reviews\/\d+$/),
      "POST /reviews pending [2]",
      "POST /reviews COMMENT [1]",
    ]);
    expect(github.reviews.map((r) => [r.id, r.state])).toEqual([
      [1, "COMMENTED"],
      [result.reviewId, "COMMENTED"],
    ]);
    expect(result.rejected.map((r) => r.comment)).toEqual([COMMENTS[1]]);
  });

  it("throws GitHub's 422 when there are no comments to blame, without bisecting", async () => {
    github.install();
    github.refuseReview = () => "Review body is invalid";
    await expect(post([])).rejects.toMatchObject({ status: 422 });
    expect(trace()).toEqual(["POST /reviews COMMENT []"]);
  });

  it("throws an answer other than 422 without bisecting", async () => {
    nock(GITHUB_API)
      .post(`/repos/${github.owner}/${github.repo}/pulls/${PULL}/reviews`)
      .reply(403, { message: "Resource not accessible by integration" });
    github.install();
    await expect(post(COMMENTS)).rejects.toMatchObject({ status: 403 });
    expect(github.requests).toEqual([]);
  });

  it("throws an answer other than 422 to a pending review instead of calling its comments refused", async () => {
    const reviews = `/repos/${github.owner}/${github.repo}/pulls/${PULL}/reviews`;
    nock(GITHUB_API)
      .post(reviews)
      .reply(422, { message: "Unprocessable Entity", errors: ["Line could not be resolved"] })
      .post(reviews)
      .reply(403, { message: "Resource not accessible by integration" });
    github.install();
    await expect(post(COMMENTS)).rejects.toMatchObject({ status: 403 });
    expect(trace()).toEqual(["GET /reviews"]);
  });
});
