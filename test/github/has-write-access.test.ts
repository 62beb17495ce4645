import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Octokit } from "../../src/github/github-types.ts";
import { hasWriteAccess } from "../../src/github/has-write-access.ts";
import { TestOctokit } from "../helpers/revue-harness.ts";

const GITHUB_API = "https://api.github.com";
const target = { owner: "Codertocat", repo: "Hello-World", login: "octocat" };
const PERMISSION_PATH = "/repos/Codertocat/Hello-World/collaborators/octocat/permission";

/** GitHub's answer for a collaborator (shape of GET .../collaborators/{username}/permission). */
function permissionAnswer(permission: string, roleName: string) {
  return {
    permission,
    role_name: roleName,
    user: {
      login: "octocat",
      id: 583231,
      node_id: "MDQ6VXNlcjU4MzIzMQ==",
      avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
      type: "User",
      site_admin: false,
      permissions: {
        admin: permission === "admin",
        maintain: roleName === "maintain" || permission === "admin",
        push: permission === "admin" || permission === "write",
        triage: permission !== "none",
        pull: permission !== "none",
      },
      role_name: roleName,
    },
  };
}

describe("hasWriteAccess", () => {
  const octokit = () => new TestOctokit({ auth: "ghs_test" }) as unknown as Octokit;

  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    // Every stand-in answer was asked for: the check really went to GitHub.
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
    nock.enableNetConnect();
  });

  // GitHub maps the fine-grained role (role_name) onto the legacy permission: maintain reads as
  // write, triage as read.
  it.each([
    ["admin", "admin"],
    ["write", "maintain"],
    ["write", "write"],
    // A custom repository role built on write.
    ["write", "release-manager"],
  ])("allows permission %s with role %s", async (permission, roleName) => {
    nock(GITHUB_API).get(PERMISSION_PATH).reply(200, permissionAnswer(permission, roleName));
    expect(await hasWriteAccess(octokit(), target)).toBe(true);
  });

  it("refuses triage, which can label and close but not push", async () => {
    nock(GITHUB_API).get(PERMISSION_PATH).reply(200, permissionAnswer("read", "triage"));
    expect(await hasWriteAccess(octokit(), target)).toBe(false);
  });

  it.each([
    ["read", "read"],
    ["none", "none"],
    // A custom repository role built on read.
    ["read", "auditor"],
  ])("refuses permission %s with role %s", async (permission, roleName) => {
    nock(GITHUB_API).get(PERMISSION_PATH).reply(200, permissionAnswer(permission, roleName));
    expect(await hasWriteAccess(octokit(), target)).toBe(false);
  });

  // Older GitHub Enterprise Server versions answer without role_name: permission alone decides.
  it.each([
    ["write", true],
    ["admin", true],
    ["read", false],
  ])("answers from permission %s alone when role_name is absent", async (permission, allowed) => {
    const { role_name: _absent, ...answer } = permissionAnswer(permission, "unused");
    nock(GITHUB_API).get(PERMISSION_PATH).reply(200, answer);
    expect(await hasWriteAccess(octokit(), target)).toBe(allowed);
  });

  it("refuses a login GitHub does not know as a collaborator (404)", async () => {
    nock(GITHUB_API).get(PERMISSION_PATH).reply(404, {
      message: "Not Found",
      documentation_url:
        "https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user",
      status: "404",
    });
    expect(await hasWriteAccess(octokit(), target)).toBe(false);
  });

  it.each([500, 502, 403, 401])(
    "throws on %i instead of answering for the person",
    async (status) => {
      nock(GITHUB_API)
        .get(PERMISSION_PATH)
        .reply(status, { message: "Server Error", status: String(status) });
      await expect(hasWriteAccess(octokit(), target)).rejects.toMatchObject({ status });
    },
  );

  it("asks about the login given, escaped in the path", async () => {
    nock(GITHUB_API)
      .get("/repos/Codertocat/Hello-World/collaborators/dependabot%5Bbot%5D/permission")
      .reply(200, permissionAnswer("write", "write"));
    expect(await hasWriteAccess(octokit(), { ...target, login: "dependabot[bot]" })).toBe(true);
  });
});
