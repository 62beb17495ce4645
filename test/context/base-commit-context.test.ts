import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { codeIndexDatabase } from "../../src/code-index/code-index-tables.ts";
import type { Octokit } from "../../src/github/github-types.ts";
import { chunkSource } from "../../src/indexing/chunk-source.ts";
import { indexRepositoryArchive } from "../../src/indexing/index-repository.ts";
import { readTarball } from "../../src/indexing/read-tarball.ts";
import type { FileDiff } from "../../src/diff/format-diff.ts";
import { parsePatch } from "../../src/diff/parse-patch.ts";
import { createCodeContextProvider } from "../../src/context/create-code-context-provider.ts";
import { FakeGitHub } from "../helpers/fake-github.ts";
import { makeTarball } from "../helpers/make-tarball.ts";
import { TestOctokit } from "../helpers/revue-harness.ts";
import { reviewScope } from "../helpers/review-scope.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const log = silentLogger();
const REPO = { installationId: 1, repositoryId: 13 };
const INDEXED = "a".repeat(40);
const BASE = "b".repeat(40);

const MONEY_AT_INDEX = `export function roundCents(value: number): number {\n  return Math.round(value);\n}\n`;
const MONEY_AT_BASE = `export function roundCents(value: number): number {\n  return Math.round(value * 100) / 100;\n}\n`;
const CART = `import { roundCents } from "./money";\n\nexport function total(lines: number[]): number {\n  return lines.reduce((sum, line) => sum + line, 0);\n}\n`;

/** total() in src/cart.ts starts rounding with roundCents, which the base changed since the index. */
function cartDiff(): FileDiff[] {
  const patch = [
    '@@ -3,3 +3,3 @@ import { roundCents } from "./money";',
    " export function total(lines: number[]): number {",
    "-  return lines.reduce((sum, line) => sum + line, 0);",
    "+  return roundCents(lines.reduce((sum, line) => sum + line, 0));",
    " }",
  ].join("\n");
  return [{ path: "src/cart.ts", status: "modified", hunks: parsePatch(patch) }];
}

const changedFile = (filename: string) => ({
  filename,
  status: "modified",
  additions: 1,
  deletions: 1,
  changes: 2,
});

describe.each(backends)("context at the pull request's base on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let github: FakeGitHub;

  beforeEach(async () => {
    nock.disableNetConnect();
    github = new FakeGitHub();
    github.install();
    handle = await createTestDatabase(backend);
    await indexRepositoryArchive(
      { db: codeIndexDatabase(handle.db), embedder: createLocalEmbedder(), log },
      REPO,
      readTarball(
        await makeTarball("o-r-aaaaaaa", [
          { path: "src/money.ts", content: MONEY_AT_INDEX },
          { path: "src/cart.ts", content: CART },
        ]),
      ),
      { ignore: [], maxFileBytes: 50_000, commitSha: INDEXED },
    );
  });
  afterEach(async () => {
    await handle.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const contextAt = (baseSha: string) =>
    createCodeContextProvider({
      db: handle.db,
      embedder: createLocalEmbedder(),
      base: {
        auth: async () => new TestOctokit({ auth: "ghs_test" }) as unknown as Octokit,
        chunkFile: (path, text) => chunkSource(path, text),
      },
    })(
      reviewScope(REPO, cartDiff(), {
        owner: github.owner,
        repo: github.repo,
        baseSha,
        headSha: "c".repeat(40),
      }),
      4000,
    );

  it("shows the base's version of a definition the index holds at an older commit", async () => {
    github.compares.set(`${INDEXED}...${BASE}`, {
      status: "ahead",
      files: [changedFile("src/money.ts")],
    });
    github.contents.set(`${BASE}:src/money.ts`, Buffer.from(MONEY_AT_BASE));
    const context = await contextAt(BASE);
    expect(context.text).toContain(
      "### src/money.ts:1-3 — definition of `roundCents` used at src/cart.ts:4 (read at the base bbbbbbb)",
    );
    expect(context.text).toContain("Math.round(value * 100) / 100");
    expect(context.text).not.toContain("return Math.round(value);");
    expect(github.calls("GET", /\/contents\/src(%2F|\/)money\.ts/)).toHaveLength(1);
  });

  it("beyond the bound reads nothing and says which commit the context reflects", async () => {
    github.compares.set(`${INDEXED}...${BASE}`, {
      status: "ahead",
      files: Array.from({ length: 31 }, (_, i) => changedFile(`src/file-${i}.ts`)),
    });
    const context = await contextAt(BASE);
    expect(context.text.split("\n")[0]).toBe(
      "Repository context reflects commit aaaaaaa (the index), not the pull request's base bbbbbbb: 31 files differ, more than the 30 read.",
    );
    expect(context.text).toContain("return Math.round(value);");
    expect(github.calls("GET", /\/contents\//)).toHaveLength(0);
  });

  it("asks GitHub nothing when the index holds the base", async () => {
    const context = await contextAt(INDEXED);
    expect(context.text).toContain("return Math.round(value);");
    expect(github.requests).toEqual([]);
  });
});
