import { beforeEach, describe, expect, it } from "vitest";
import { codeIndexDatabase } from "../../src/code-index/code-index-tables.ts";
import { FakeAnthropic } from "../helpers/fake-anthropic.ts";
import { makeTarball } from "../helpers/make-tarball.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";
import {
  changedFiles,
  INSTALLATION_ID,
  modelReview,
  pullRequestOpened,
  PULL_NUMBER,
  REPOSITORY_ID,
} from "../helpers/fixtures.ts";

const SHA1 = "a".repeat(40);
const SHA2 = "b".repeat(40);

const RUN_JS = `const { spawn } = require("child_process");

/** Runs a whitelisted command; never passes user input to a shell. */
function exec(command, callback) {
  if (!ALLOWED.includes(command)) return callback(new Error("not allowed"));
  return spawn(command, { shell: false }).on("exit", (code) => callback(null, code));
}

module.exports = { exec };
`;
const APP_JS = `const express = require("express");
const app = express();

app.get("/", (req, res) => res.send("ok"));
app.listen(3000);
`;

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(backends)("codebase index end to end on %s", (backend) => {
  const { harness, github } = useHarness(backend);

  beforeEach(() => {
    github().repositoryId = REPOSITORY_ID;
  });

  const indexState = () =>
    codeIndexDatabase(harness().db.db)
      .selectFrom("code_indexes")
      .selectAll()
      .where("repository_id", "=", REPOSITORY_ID)
      .executeTakeFirst();

  it("indexes on install, refreshes on push, and gives the review its context", async () => {
    github().branchHead = SHA1;
    github().tarballs.set(
      SHA1,
      await makeTarball("Codertocat-Hello-World-aaaaaaa", [
        { path: "src/app.js", content: APP_JS },
        { path: "lib/run.js", content: RUN_JS },
      ]),
    );
    await harness().startWorkers();

    // Installed on the repository: a worker indexes it from the tarball.
    const installed = await harness().send("installation_repositories", {
      action: "added",
      installation: { id: INSTALLATION_ID, account: { id: 1, login: "Codertocat", type: "User" } },
      repository_selection: "selected",
      repositories_added: [
        {
          id: REPOSITORY_ID,
          full_name: "Codertocat/Hello-World",
          name: "Hello-World",
          private: false,
        },
      ],
      repositories_removed: [],
      sender: { login: "Codertocat", id: 1 },
    });
    expect(installed.status).toBe(200);
    const first = await until(
      async () => ((await indexState())?.commit_sha === SHA1 ? indexState() : undefined),
      "the first index",
    );
    expect(first).toMatchObject({ files: 2, installation_id: INSTALLATION_ID });

    // A push to another branch is ignored; a push to the default branch refreshes the index.
    const repository = {
      id: REPOSITORY_ID,
      name: "Hello-World",
      full_name: "Codertocat/Hello-World",
      owner: { login: "Codertocat" },
      default_branch: "main",
    };
    const installation = { id: INSTALLATION_ID };
    await harness().send("push", {
      ref: "refs/heads/feature",
      after: SHA2,
      deleted: false,
      repository,
      installation,
    });
    github().branchHead = SHA2;
    github().compares.set(`${SHA1}...${SHA2}`, {
      status: "ahead",
      files: [
        { filename: "lib/run.js", status: "modified", additions: 1, deletions: 0, changes: 1 },
      ],
    });
    github().contents.set(`${SHA2}:lib/run.js`, Buffer.from(`${RUN_JS}// v2\n`));
    await harness().send("push", {
      ref: "refs/heads/main",
      after: SHA2,
      deleted: false,
      repository,
      installation,
    });
    await until(
      async () => ((await indexState())?.commit_sha === SHA2 ? true : undefined),
      "the push to be indexed",
    );
    expect(github().calls("GET", /\/tarball\//)).toHaveLength(1);
    expect(
      github().calls("GET", /\/contents\/lib%2Frun\.js|\/contents\/lib\/run\.js/),
    ).toHaveLength(1);

    // A review of a change that calls exec() sees exec's definition, and the summary says so.
    github().pulls.set(PULL_NUMBER, pullRequestOpened().pull_request);
    github().files.set(PULL_NUMBER, changedFiles());
    const anthropic = new FakeAnthropic([{ review: modelReview() }]);
    anthropic.install();
    await harness().send("pull_request", pullRequestOpened());
    await until(async () => {
      const rows = await harness().db.db.selectFrom("reviews").select("status").execute();
      return rows.some((r) => r.status !== "running") ? true : undefined;
    }, "the review");
    const prompt = JSON.stringify(anthropic.requests[0]);
    expect(prompt).toContain("<repository_context");
    expect(prompt).toContain("### lib/run.js:");
    expect(prompt).toContain("function exec(command, callback)");
    const summary = (github().calls("POST", /\/issues\/2\/comments$/)[0]!.body as { body: string })
      .body;
    expect(summary).toContain("Repository context used (1 files)");
    expect(summary).toContain("- `lib/run.js`");

    // Removed from the repository: its code leaves the index (in a worker, not in the request).
    const removed = await harness().send("installation_repositories", {
      action: "removed",
      installation: { id: INSTALLATION_ID, account: { id: 1, login: "Codertocat", type: "User" } },
      repository_selection: "selected",
      repositories_added: [],
      repositories_removed: [
        {
          id: REPOSITORY_ID,
          full_name: "Codertocat/Hello-World",
          name: "Hello-World",
          private: false,
        },
      ],
      sender: { login: "Codertocat", id: 1 },
    });
    expect(removed.status).toBe(200);
    await until(
      async () => ((await indexState()) === undefined ? true : undefined),
      "the index to be dropped",
    );
    const chunks = await codeIndexDatabase(harness().db.db)
      .selectFrom("code_chunks")
      .select("id")
      .execute();
    expect(chunks).toEqual([]);
  });
});
