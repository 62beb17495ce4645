import { describe, expect, it } from "vitest";
import { fitCommentBody, GITHUB_BODY_LIMIT } from "../../src/github/fit-comment-body.ts";

describe("fitCommentBody", () => {
  it("leaves a body GitHub accepts as it is", () => {
    const body = "x".repeat(GITHUB_BODY_LIMIT);
    expect(fitCommentBody(body)).toBe(body);
  });

  it("cuts a longer body to the limit, says so, and keeps Revue's markers at the end", () => {
    const body = `${"summary line\n".repeat(10_000)}\n<!-- revue:summary -->`;
    const fitted = fitCommentBody(body);
    expect(fitted.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(fitted).toContain("cut here: GitHub allows 65,536 characters");
    expect(fitted.endsWith("<!-- revue:summary -->")).toBe(true);
    expect(fitted.startsWith("summary line\n")).toBe(true);
  });

  it("never splits a surrogate pair", () => {
    const body = "😀".repeat(GITHUB_BODY_LIMIT);
    const fitted = fitCommentBody(body, 101);
    expect(fitted.length).toBeLessThanOrEqual(101);
    expect(() => encodeURIComponent(fitted)).not.toThrow();
  });
});
