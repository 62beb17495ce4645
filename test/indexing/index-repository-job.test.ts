import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/read-config.ts";
import { codeIndexDatabase } from "../../src/code-index/code-index-tables.ts";
import { indexRepositoryJob } from "../../src/indexing/index-job-handler.ts";
import type { Octokit } from "../../src/github/github-types.ts";
import { FakeGitHub } from "../helpers/fake-github.ts";
import { makeTarball } from "../helpers/make-tarball.ts";
import { TestOctokit } from "../helpers/revue-harness.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import {
  CHECKOUT_TS,
  countingEmbedder,
  fixtureEntries,
  MATH_TS,
  otherModelEmbedder,
} from "./fixture-repository.ts";

const SHA1 = "1111111111111111111111111111111111111111";
const SHA2 = "2222222222222222222222222222222222222222";
const INSTALLATION_ID = 7;

describe.each(backends)("index-repository job on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let github: FakeGitHub;
  const log = silentLogger();
  const config = readConfig({ NODE_ENV: "test", REVUE_INDEX_MAX_FILE_BYTES: "50000" });
  const job = {
    installationId: INSTALLATION_ID,
    repositoryId: 1296269,
    owner: "Codertocat",
    repo: "Hello-World",
    reason: "installed" as const,
    deliveryId: "d-1",
  };
  const scope = { installationId: INSTALLATION_ID, repositoryId: 1296269 };

  beforeEach(async () => {
    nock.disableNetConnect();
    handle = await createTestDatabase(backend);
    github = new FakeGitHub();
    github.install();
  });
  afterEach(async () => {
    await handle.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const deps = (embedder = countingEmbedder()) => ({
    config,
    db: handle.db,
    log,
    embedder,
    auth: async () => new TestOctokit({ auth: "ghs_test" }) as unknown as Octokit,
  });
  const files = async () =>
    (
      await codeIndexDatabase(handle.db)
        .selectFrom("code_files")
        .select("path")
        .where("repository_id", "=", scope.repositoryId)
        .orderBy("path")
        .execute()
    ).map((row) => row.path);

  async function indexFirstCommit(embedder = countingEmbedder()) {
    github.branchHead = SHA1;
    github.tarballs.set(
      SHA1,
      await makeTarball("Codertocat-Hello-World-1111111", fixtureEntries()),
    );
    github.contents.set(`${SHA1}:.github/revue.yml`, Buffer.from('ignore: ["docs/**"]\n'));
    github.configYaml = 'ignore: ["docs/**"]\n';
    return indexRepositoryJob(deps(embedder), job, log);
  }

  it("indexes a repository from one tarball, skipping and counting what it should", async () => {
    const embedder = countingEmbedder();
    const report = await indexFirstCommit(embedder);
    expect(report).toMatchObject({
      mode: "full",
      indexed: 6,
      nonUtf8: 1,
      skipped: {
        symlink: 1,
        "submodule or other non-file entry": 1,
        vendored: 1,
        generated: 1,
        binary: 2,
        "over the size cap": 1,
        minified: 1,
        "ignored by .github/revue.yml": 1,
      },
    });
    expect(await files()).toEqual([
      ".github/revue.yml",
      "billing/invoice.py",
      "legacy/menu.rb",
      "src/broken.ts",
      "src/checkout.ts",
      "src/math.ts",
    ]);
    // One archive download, never a request per file.
    expect(github.calls("GET", /\/tarball\//)).toHaveLength(1);
    expect(github.calls("GET", /\/contents\/(?!\.github)/)).toHaveLength(0);

    const db = codeIndexDatabase(handle.db);
    const symbols = await db
      .selectFrom("code_symbols")
      .select(["name", "role"])
      .where("repository_id", "=", scope.repositoryId)
      .where("name", "=", "addTax")
      .execute();
    expect(symbols).toEqual(
      expect.arrayContaining([
        { name: "addTax", role: "definition" },
        { name: "addTax", role: "reference" },
      ]),
    );
    const state = await db.selectFrom("code_indexes").selectAll().executeTakeFirstOrThrow();
    expect(state).toMatchObject({ commit_sha: SHA1, embedding_model: embedder.model, files: 6 });
    expect(state.skipped).toMatchObject({ symlink: 1 });

    // The same head again: nothing to do.
    expect(await indexRepositoryJob(deps(embedder), job, log)).toEqual({ mode: "up to date" });
  });

  it("re-indexes only the files a push changed; a renamed file reuses its embeddings", async () => {
    await indexFirstCommit();
    const embedder = countingEmbedder();
    const newMath = MATH_TS.replace("Math.round", "Math.floor");
    const added = "export function discount(price: number): number {\n  return price * 0.9;\n}\n";
    github.branchHead = SHA2;
    github.compares.set(`${SHA1}...${SHA2}`, {
      status: "ahead",
      files: [
        { filename: "src/math.ts", status: "modified", additions: 1, deletions: 1, changes: 2 },
        {
          filename: "src/cart.ts",
          previous_filename: "src/checkout.ts",
          status: "renamed",
          additions: 0,
          deletions: 0,
          changes: 0,
        },
        {
          filename: "billing/invoice.py",
          status: "removed",
          additions: 0,
          deletions: 7,
          changes: 7,
        },
        { filename: "src/discount.ts", status: "added", additions: 3, deletions: 0, changes: 3 },
      ],
    });
    github.contents.set(`${SHA2}:src/math.ts`, Buffer.from(newMath));
    github.contents.set(`${SHA2}:src/cart.ts`, Buffer.from(CHECKOUT_TS));
    github.contents.set(`${SHA2}:src/discount.ts`, Buffer.from(added));

    const report = await indexRepositoryJob(deps(embedder), job, log);
    expect(report).toMatchObject({ mode: "incremental", indexed: 3, removed: 2 });
    expect(await files()).toEqual([
      ".github/revue.yml",
      "legacy/menu.rb",
      "src/broken.ts",
      "src/cart.ts",
      "src/discount.ts",
      "src/math.ts",
    ]);
    // Only new content was embedded: the changed function and the new file, not the renamed one
    // and not math.ts's unchanged function.
    expect(embedder.texts.some((text) => text.includes("Math.floor"))).toBe(true);
    expect(embedder.texts.some((text) => text.includes("discount"))).toBe(true);
    expect(embedder.texts.some((text) => text.includes("class Checkout"))).toBe(false);
    expect(embedder.texts.some((text) => text.includes("function addTax"))).toBe(false);
    expect(github.calls("GET", /\/tarball\//)).toHaveLength(1);

    const rows = await codeIndexDatabase(handle.db)
      .selectFrom("code_chunks")
      .select("path")
      .where("path", "in", ["src/checkout.ts", "billing/invoice.py"])
      .execute();
    expect(rows).toEqual([]);
    // The symbols of replaced and removed chunks went with them (no foreign key cascades).
    const strays = await codeIndexDatabase(handle.db)
      .selectFrom("code_symbols as s")
      .leftJoin("code_chunks as c", "c.id", "s.chunk_id")
      .select("s.name")
      .where("c.id", "is", null)
      .execute();
    expect(strays).toEqual([]);
  });

  it("re-embeds everything when the embedding model changes, never mixing vector spaces", async () => {
    await indexFirstCommit();
    const other = otherModelEmbedder();
    const report = await indexRepositoryJob(deps(other), job, log);
    expect(report).toMatchObject({ mode: "full", indexed: 6, unchanged: 0 });
    expect(github.calls("GET", /\/tarball\//)).toHaveLength(2);
    const db = codeIndexDatabase(handle.db);
    const models = await db
      .selectFrom("code_chunks")
      .select(["embedding_model", "embedding_384", "embedding_768"])
      .execute();
    expect(models.every((row) => row.embedding_model === "test-other-768")).toBe(true);
    expect(models.every((row) => row.embedding_384 === null && row.embedding_768 !== null)).toBe(
      true,
    );
    expect(other.texts.length).toBeGreaterThan(0);
    const state = await db.selectFrom("code_indexes").selectAll().executeTakeFirstOrThrow();
    expect(state).toMatchObject({ embedding_model: "test-other-768", dimensions: 768 });
  });

  it("records an empty index for an empty repository instead of failing", async () => {
    github.branchHead = null;
    expect(await indexRepositoryJob(deps(), job, log)).toEqual({ mode: "empty repository" });
    expect(await files()).toEqual([]);
  });

  it("indexes an archive with no files at all", async () => {
    github.branchHead = SHA1;
    github.tarballs.set(SHA1, await makeTarball("Codertocat-Hello-World-1111111", []));
    expect(await indexRepositoryJob(deps(), job, log)).toMatchObject({
      mode: "full",
      indexed: 0,
      totalFiles: 0,
    });
  });
});
