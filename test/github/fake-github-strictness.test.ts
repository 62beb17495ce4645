import { describe, expect, it } from "vitest";
import { FakeGitHub, GITHUB_BODY_LIMIT } from "../helpers/fake-github.ts";

/** The test fake of GitHub refuses what GitHub refuses, and records it so the test fails. */
describe("FakeGitHub is strict where GitHub is", () => {
  function fake() {
    const github = new FakeGitHub();
    github.expectViolations = true;
    return github;
  }
  const reviews = "/repos/Codertocat/Hello-World/pulls/2/reviews";

  it("answers a path GitHub does not have with 404 and records it", () => {
    const github = fake();
    expect(github.handle("GET", "/repos/Codertocat/Hello-World/pull/2", null)[0]).toBe(404);
    expect(github.violations).toHaveLength(1);
  });

  it("records a route GitHub has but the fake does not serve, never a friendly 404", () => {
    const github = fake();
    expect(github.handle("GET", "/repos/Codertocat/Hello-World/issues/2", null)[0]).toBe(501);
    expect(github.violations[0]).toMatch(/no route/);
  });

  it("refuses a body outside GitHub's schema", () => {
    const github = fake();
    const [status] = github.handle("POST", reviews, { commit_id: "a", event: "LGTM" });
    expect(status).toBe(422);
    expect(github.violations[0]).toMatch(/event must be equal to one of the allowed values/);
  });

  it("refuses bodies over GitHub's length limit", () => {
    const github = fake();
    const body = "x".repeat(GITHUB_BODY_LIMIT + 1);
    expect(github.handle("POST", reviews, { commit_id: "a", event: "COMMENT", body })[0]).toBe(422);
    expect(
      github.handle("POST", reviews, { commit_id: "a", event: "COMMENT", body: body.slice(1) })[0],
    ).toBe(200);
    expect(github.violations).toHaveLength(1);
  });

  it("keeps one pending review per pull request and records the event as sent", () => {
    const github = fake();
    expect(github.handle("POST", reviews, { commit_id: "a" })[0]).toBe(200);
    expect(github.handle("POST", reviews, { commit_id: "a" })[0]).toBe(422);
    github.handle("POST", reviews, { commit_id: "a", event: "APPROVE", body: "ok" });
    expect(github.reviews.map((r) => r.state)).toEqual(["PENDING", "APPROVED"]);
  });
});
