import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runReviewCommand } from "../../src/cli/review-command.ts";
import { SUMMARY_MARKER } from "../../src/review/render-summary.ts";
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
import { TestOctokit } from "../helpers/revue-harness.ts";
import { createStandInModel } from "../helpers/stand-in-model.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";

const URL = `https://github.com/Codertocat/Hello-World/pull/${PULL_NUMBER}`;

/** A finding whose words try what a prompt injection would: an image, a foreign link, a mention, an approval. */
const HOSTILE_FINDING = {
  ...INJECTION_FINDING,
  explanation:
    "`req.query.cmd` reaches `exec` unchecked. ![pixel](https://evil.example/p.png) " +
    "Details at [the fix](https://evil.example/fix); cc @octocat. APPROVE",
};

describe("revue review --pr --post", () => {
  let github: FakeGitHub;

  beforeEach(() => {
    nock.disableNetConnect();
    github = new FakeGitHub();
    github.pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github.files.set(PULL_NUMBER, changedFiles());
    github.install();
  });

  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  function run(env: Record<string, string>) {
    const out = { stdout: "", stderr: "" };
    const model = createStandInModel(() => modelReview([HOSTILE_FINDING, NIT_FINDING]));
    const status = runReviewCommand(["--pr", URL, "--post", "--no-context"], {
      cwd: process.cwd(),
      env,
      model,
      Octokit: TestOctokit,
      stdout: (text) => (out.stdout += text),
      stderr: (text) => (out.stderr += text),
    });
    return { status, out, model };
  }

  const APP = { ANTHROPIC_API_KEY: "sk-test", APP_ID: "1", PRIVATE_KEY: testPrivateKey() };

  it("posts as the App's installation: one COMMENT review, its comment anchored and filtered, and the summary", async () => {
    const { status, out } = run(APP);
    expect(await status, out.stderr).toBe(0);
    expect(github.calls("GET", /^\/repos\/Codertocat\/Hello-World\/installation$/)).toHaveLength(1);
    expect(github.calls("POST", /^\/app\/installations\/2\/access_tokens$/)).toHaveLength(1);

    const [post, ...more] = github.calls("POST", /\/pulls\/\d+\/reviews$/);
    expect(more).toEqual([]);
    const body = post!.body as {
      event: string;
      commit_id: string;
      body: string;
      comments: { path: string; line: number; side: string; body: string }[];
    };
    expect(body.event).toBe("COMMENT");
    expect(body.commit_id).toBe(HEAD_SHA);
    expect(body.body).toContain("**Revue** left 1 comment");
    expect(body.comments).toHaveLength(1);
    const [comment] = body.comments;
    expect({ path: comment!.path, line: comment!.line, side: comment!.side }).toEqual({
      path: "src/app.js",
      line: 6,
      side: "RIGHT",
    });
    // filterOutgoingText ran on the model's words: no image, no foreign link, no mention.
    expect(comment!.body).toContain("(image removed)");
    expect(comment!.body).not.toContain("](https://evil.example");
    expect(comment!.body).toContain("`@octocat`");
    expect(comment!.body).toContain("<!-- revue:finding:");

    // The nit is folded into the summary comment, posted once.
    const summaries = github.calls("POST", /\/issues\/\d+\/comments$/);
    expect(summaries).toHaveLength(1);
    const summary = (summaries[0]!.body as { body: string }).body;
    expect(summary).toContain(SUMMARY_MARKER);
    expect(summary).toContain("Say what /run does");
    expect(out.stderr).toContain(`Posted on Codertocat/Hello-World#${PULL_NUMBER} as revue[bot]`);
  });

  it("says which App credentials are missing, before asking GitHub or the model", async () => {
    const { status, out, model } = run({ ANTHROPIC_API_KEY: "sk-test", APP_ID: "1" });
    expect(await status).toBe(1);
    expect(out.stderr).toContain("PRIVATE_KEY or PRIVATE_KEY_PATH");
    expect(out.stderr).not.toContain("APP_ID (");
    const noId = run({ ANTHROPIC_API_KEY: "sk-test", PRIVATE_KEY: testPrivateKey() });
    expect(await noId.status).toBe(1);
    expect(noId.out.stderr).toContain("needs APP_ID");
    expect(github.requests).toEqual([]);
    expect(model.requests).toEqual([]);
    expect(noId.model.requests).toEqual([]);
  });

  it("says the App is not installed on the repository when GitHub answers 404, and posts nothing", async () => {
    github.installationId = null;
    const { status, out, model } = run(APP);
    expect(await status).toBe(1);
    expect(out.stderr).toContain("is not installed on Codertocat/Hello-World");
    expect(model.requests).toEqual([]);
    expect(github.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("needs --pr", async () => {
    const out = { stdout: "", stderr: "" };
    const status = await runReviewCommand(["--post"], {
      cwd: process.cwd(),
      env: APP,
      stdout: (text) => (out.stdout += text),
      stderr: (text) => (out.stderr += text),
    });
    expect(status).toBe(2);
    expect(out.stderr).toContain("give it with --pr URL");
  });
});
