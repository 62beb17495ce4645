import { describe, expect, it } from "vitest";
import { isPermanentGitHubError } from "../../src/github/is-permanent-github-error.ts";

/** The shape of Octokit's RequestError: a status, and the response with its headers. */
function githubError(status: number, headers: Record<string, string> = {}, message = "refused") {
  return Object.assign(new Error(message), {
    name: "HttpError",
    status,
    response: { status, headers, data: {} },
  });
}

describe("isPermanentGitHubError", () => {
  it.each([400, 401, 403, 404, 410, 422])("a %i is permanent", (status) => {
    expect(isPermanentGitHubError(githubError(status))).toBe(true);
  });

  it.each([429, 500, 502, 503, 504])("a %i is worth a retry", (status) => {
    expect(isPermanentGitHubError(githubError(status))).toBe(false);
  });

  it("a 403 rate limit is worth a retry (retry-after, no requests left, or said so)", () => {
    expect(isPermanentGitHubError(githubError(403, { "retry-after": "60" }))).toBe(false);
    expect(isPermanentGitHubError(githubError(403, { "x-ratelimit-remaining": "0" }))).toBe(false);
    expect(
      isPermanentGitHubError(githubError(403, {}, "You have exceeded a secondary rate limit")),
    ).toBe(false);
  });

  it("an error that is not an HTTP answer is worth a retry", () => {
    expect(isPermanentGitHubError(new Error("socket hang up"))).toBe(false);
    expect(isPermanentGitHubError(undefined)).toBe(false);
  });
});
