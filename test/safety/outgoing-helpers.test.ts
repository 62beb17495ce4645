import { describe, expect, it } from "vitest";
import { defuseRevueMarkers } from "../../src/safety/defuse-revue-markers.ts";
import { inlineCode } from "../../src/safety/inline-code.ts";
import { isAllowedLink } from "../../src/safety/is-allowed-link.ts";
import { isApprovalOnly } from "../../src/safety/is-approval-only.ts";
import { repositoryLinks } from "../../src/safety/repository-links.ts";

const links = { origin: "https://github.com", owner: "Codertocat", repo: "Hello-World" };

describe("repositoryLinks", () => {
  it("reads github.com from the public API and the host itself from GitHub Enterprise", () => {
    expect(repositoryLinks("https://api.github.com", { owner: "o", repo: "r" })).toEqual({
      origin: "https://github.com",
      owner: "o",
      repo: "r",
    });
    expect(
      repositoryLinks("http://ghe.example:8080/api/v3", { owner: "o", repo: "r" }).origin,
    ).toBe("http://ghe.example:8080");
  });
});

describe("isAllowedLink", () => {
  it.each([
    "https://github.com/Codertocat/Hello-World",
    "https://github.com/codertocat/hello-world/blob/main/a.js#L1",
    "https://github.com/Codertocat/Hello-World?tab=readme",
  ])("allows %s", (url) => expect(isAllowedLink(url, links)).toBe(true));

  it.each([
    "https://github.com/Codertocat/Hello-World-2",
    "https://github.com/Codertocat",
    "http://github.com/Codertocat/Hello-World",
    "https://github.com.evil.example/Codertocat/Hello-World",
    "https://github.com\\@evil.example/Codertocat/Hello-World",
    "https://github.com/Codertocat/Hello-World/../../evil",
    "https://github.com/Codertocat/Hello-World/%2e%2e/%2e%2e/evil",
    "/Codertocat/Hello-World",
  ])("refuses %s", (url) => expect(isAllowedLink(url, links)).toBe(false));

  it("refuses everything without a repository", () => {
    expect(isAllowedLink("https://github.com/Codertocat/Hello-World", undefined)).toBe(false);
  });
});

describe("inlineCode", () => {
  it("makes a code span nothing inside can close", () => {
    expect(inlineCode("a.js")).toBe("`a.js`");
    expect(inlineCode("a`b``c")).toBe("```a`b``c```");
    expect(inlineCode("`x")).toBe("`` `x ``");
    expect(inlineCode("a\nb\u200Bc")).toBe("`a bc`");
    expect(inlineCode("<!-- revue:summary -->")).toBe("`<!--(quoted) revue:summary -->`");
  });
});

describe("isApprovalOnly", () => {
  it.each([
    "APPROVE",
    "lgtm",
    "Approved. Ready to merge 🚀👍",
    "Looks good to me!",
    "Looks fine",
    ":+1:",
  ])("is true for %j", (text) => expect(isApprovalOnly(text)).toBe(true));
  it.each(["ok", "fine", "", "Approve only after fixing the SQL injection.", "it is fine"])(
    "is false for %j",
    (text) => expect(isApprovalOnly(text)).toBe(false),
  );
});

describe("defuseRevueMarkers", () => {
  it("marks copies of Revue's markers as quotations, and only those", () => {
    expect(defuseRevueMarkers("<!-- revue:summary --><!--  REVUE:reply:1 --><!-- other -->")).toBe(
      "<!--(quoted) revue:summary --><!--(quoted)  REVUE:reply:1 --><!-- other -->",
    );
  });
});
