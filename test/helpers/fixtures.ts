import type { ReviewJob } from "../../src/queue/jobs.ts";
import examples from "@octokit/webhooks-examples/api.github.com/index.json" with { type: "json" };
import type { ModelReview } from "../../src/review/review-output.ts";

type Example = { name: string; examples: Record<string, unknown>[] };

/** A real recorded webhook payload from @octokit/webhooks-examples, deep-copied. */
export function examplePayload(
  event: string,
  action: string,
  predicate: (p: Record<string, unknown>) => boolean = () => true,
) {
  const group = (examples as unknown as Example[]).find((e) => e.name === event);
  const found = group?.examples.find((p) => p.action === action && predicate(p));
  if (!found) throw new Error(`no example for ${event}.${action}`);
  return structuredClone(found) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- payload shapes vary by event; tests poke at fields
}

export const HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const BASE_SHA = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const INSTALLATION_ID = 1;
export const REPOSITORY_ID = 186853002;
export const PULL_NUMBER = 2;

/** The recorded `pull_request.opened` delivery (installation 1, Codertocat/Hello-World#2). */
export function pullRequestOpened() {
  return examplePayload("pull_request", "opened", (p) => Boolean(p.installation));
}

/** A patch as GitHub's files API gives it: a small Express app that gains a command injection. */
export const APP_PATCH = [
  "@@ -1,5 +1,8 @@",
  ' const express = require("express");',
  '+const { exec } = require("child_process");',
  " const app = express();",
  " ",
  '-app.get("/", (req, res) => res.send("ok"));',
  '+app.get("/run", (req, res) => {',
  "+  exec(req.query.cmd, (err, out) => res.send(out));",
  "+});",
  " app.listen(3000);",
].join("\n");

export const README_PATCH = [
  "@@ -1,2 +1,3 @@",
  " # Hello-World",
  " My first repository on GitHub!",
  "+Now with a /run endpoint.",
].join("\n");

export function changedFiles() {
  return [
    {
      filename: "src/app.js",
      status: "modified",
      additions: 4,
      deletions: 1,
      changes: 5,
      patch: APP_PATCH,
      sha: "1",
    },
    {
      filename: "README.md",
      status: "modified",
      additions: 1,
      deletions: 0,
      changes: 1,
      patch: README_PATCH,
      sha: "2",
    },
    {
      filename: "package-lock.json",
      status: "modified",
      additions: 10,
      deletions: 2,
      changes: 12,
      patch: "@@ -1 +1 @@\n-a\n+b",
      sha: "3",
    },
    { filename: "logo.png", status: "added", additions: 0, deletions: 0, changes: 0, sha: "4" },
  ];
}

export const INJECTION_FINDING: ModelReview["findings"][number] = {
  path: "src/app.js",
  side: "RIGHT",
  line: 6,
  startLine: null,
  severity: "critical",
  category: "security",
  confidence: "high",
  title: "Command injection through `cmd`",
  explanation:
    "`req.query.cmd` reaches `exec` unchecked, so any visitor runs shell commands on the server.",
  quotedCode: "exec(req.query.cmd, (err, out) => res.send(out));",
  replacement: '  execFile("/usr/bin/uptime", (err, out) => res.send(out));',
};

export const NIT_FINDING: ModelReview["findings"][number] = {
  path: "README.md",
  side: "RIGHT",
  line: 3,
  startLine: null,
  severity: "nit",
  category: "docs",
  confidence: "medium",
  title: "Say what /run does",
  explanation: "A line on what the endpoint returns would help.",
  quotedCode: "Now with a /run endpoint.",
  replacement: null,
};

export function modelReview(
  findings: ModelReview["findings"] = [INJECTION_FINDING, NIT_FINDING],
): ModelReview {
  return {
    summary: {
      walkthrough: "Adds a `/run` endpoint that executes a command from the query string.",
      files: [
        { path: "src/app.js", summary: "New `/run` route that shells out." },
        { path: "README.md", summary: "Mentions the endpoint." },
      ],
      risk: "high",
      riskReason: "Remote command execution.",
    },
    findings,
  };
}

/** A review job for pull request `pullNumber` of the fixtures' repository, at HEAD_SHA. */
export function reviewJobFor(pullNumber: number): ReviewJob {
  return {
    installationId: INSTALLATION_ID,
    repositoryId: REPOSITORY_ID,
    owner: "Codertocat",
    repo: "Hello-World",
    pullNumber,
    trigger: "opened",
    mode: "full",
    deliveryId: `delivery-${pullNumber}`,
    headSha: HEAD_SHA,
  };
}
