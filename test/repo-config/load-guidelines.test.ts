import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Octokit } from "../../src/github/github-types.ts";
import { loadGuidelines } from "../../src/repo-config/load-guidelines.ts";
import { FakeGitHub } from "../helpers/fake-github.ts";
import { TestOctokit } from "../helpers/revue-harness.ts";

const BASE = "b".repeat(40);
const HEAD = "h".repeat(40);

describe("loadGuidelines", () => {
  let github: FakeGitHub;
  const octokit = new TestOctokit({ auth: "ghs_test" }) as unknown as Octokit;
  const repo = { owner: "Codertocat", repo: "Hello-World" };

  beforeEach(() => {
    nock.disableNetConnect();
    github = new FakeGitHub();
    github.install();
    const file = (sha: string, path: string, text: string) =>
      github.contents.set(`${sha}:${path}`, Buffer.from(text));
    file(BASE, "AGENTS.md", "Root rules.");
    file(BASE, "src/api/AGENTS.md", "API rules.");
    file(BASE, "web/AGENTS.md", "Web rules.");
    file(BASE, "src/api/get.ts", "export {};");
    file(BASE, "README.md", "Readme.");
    file(HEAD, "AGENTS.md", "Head rules.");
  });

  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("lists the base commit's tree once, then reads only the guideline files that apply", async () => {
    const guidelines = await loadGuidelines(octokit, repo, BASE, ["src/api/get.ts"], 4000);
    expect(guidelines.files.map((f) => [f.path, f.text])).toEqual([
      ["src/api/AGENTS.md", "API rules."],
      ["AGENTS.md", "Root rules."],
    ]);
    const paths = github.requests.map((r) => decodeURIComponent(r.path));
    expect(paths).toEqual([
      `/repos/Codertocat/Hello-World/git/trees/${BASE}?recursive=true`,
      `/repos/Codertocat/Hello-World/contents/src/api/AGENTS.md?ref=${BASE}`,
      `/repos/Codertocat/Hello-World/contents/AGENTS.md?ref=${BASE}`,
    ]);
  });

  it("reads nothing with a zero budget", async () => {
    expect((await loadGuidelines(octokit, repo, BASE, ["a.ts"], 0)).files).toEqual([]);
    expect(github.requests).toEqual([]);
  });
});
