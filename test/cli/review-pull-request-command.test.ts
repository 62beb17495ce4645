import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runReviewCommand } from "../../src/cli/review-command.ts";
import { FakeGitHub } from "../helpers/fake-github.ts";
import {
  changedFiles,
  HEAD_SHA,
  INJECTION_FINDING,
  modelReview,
  NIT_FINDING,
  PULL_NUMBER,
  pullRequestOpened,
} from "../helpers/fixtures.ts";
import { makeTarball } from "../helpers/make-tarball.ts";
import { TestOctokit } from "../helpers/revue-harness.ts";
import { createStandInModel } from "../helpers/stand-in-model.ts";

const URL = `https://github.com/Codertocat/Hello-World/pull/${PULL_NUMBER}`;

describe("revue review --pr", () => {
  let github: FakeGitHub;

  beforeEach(async () => {
    nock.disableNetConnect();
    github = new FakeGitHub();
    github.pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github.files.set(PULL_NUMBER, changedFiles());
    github.tarballs.set(
      HEAD_SHA,
      await makeTarball("Codertocat-Hello-World-ec26c3e", [
        {
          path: "src/run-command.js",
          content:
            'const { exec } = require("child_process");\nmodule.exports = (cmd) => exec(cmd);\n',
        },
      ]),
    );
    github.install();
  });

  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  function run(argv: string[], env: Record<string, string>) {
    const out = { stdout: "", stderr: "" };
    const model = createStandInModel(() => modelReview([INJECTION_FINDING, NIT_FINDING]));
    const status = runReviewCommand(argv, {
      cwd: process.cwd(),
      env,
      model,
      Octokit: TestOctokit,
      stdout: (text) => (out.stdout += text),
      stderr: (text) => (out.stderr += text),
    });
    return { status, out, model };
  }

  it("reviews the pull request read with a personal token, with its head's code as context, and posts nothing", async () => {
    const { status, out, model } = run(["--pr", URL, "--json"], {
      ANTHROPIC_API_KEY: "sk-test",
      GITHUB_TOKEN: "ghp_personal",
    });
    expect(await status, out.stderr).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.head.sha).toBe(HEAD_SHA);
    expect(json.findings.map((f: { path: string; line: number }) => [f.path, f.line])).toEqual([
      ["src/app.js", 6],
      ["README.md", 3],
    ]);
    expect(json.skipped).toEqual(
      expect.arrayContaining([{ path: "package-lock.json", reason: "lockfile" }]),
    );
    const prompt = model.requests[0]!.messages[0]!.content;
    expect(prompt).toContain("src/run-command.js");
    // Read only: nothing was written to GitHub.
    expect(github.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(github.calls("GET", /tarball/)).toHaveLength(1);
  });

  it("says what is needed without a token, and for a URL that is not a pull request's", async () => {
    const tokenless = run(["--pr", URL], { ANTHROPIC_API_KEY: "sk-test" });
    expect(await tokenless.status).toBe(1);
    expect(tokenless.out.stderr).toContain("GITHUB_TOKEN is not set");
    const wrong = run(["--pr", "https://github.com/o/r/issues/3"], {
      ANTHROPIC_API_KEY: "sk-test",
      GITHUB_TOKEN: "ghp_personal",
    });
    expect(await wrong.status).toBe(1);
    expect(wrong.out.stderr).toContain("not a pull request URL");
    const posting = run(["--pr", URL, "--post"], {
      ANTHROPIC_API_KEY: "sk-test",
      GITHUB_TOKEN: "ghp_personal",
    });
    // A personal token does not post: --post acts as the GitHub App only.
    expect(await posting.status).toBe(1);
    expect(posting.out.stderr).toContain("--post posts as Revue's GitHub App and needs APP_ID");
    expect(github.requests).toEqual([]);
  });
});
