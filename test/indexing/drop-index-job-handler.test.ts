import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { codeIndexDatabase } from "../../src/code-index/code-index-tables.ts";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { createDropIndexJobHandler } from "../../src/indexing/drop-index-job-handler.ts";
import { indexChangedFiles } from "../../src/indexing/index-repository.ts";
import type { DropCodeIndexJob } from "../../src/queue/jobs.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import { CHECKOUT_TS, MATH_TS } from "./fixture-repository.ts";

const log = silentLogger();
const INSTALLATION = 7;
const OTHER_INSTALLATION = 8;
// Repositories 101 and 102 belong to installation 7, 201 to installation 8.
const REPOSITORIES = [
  { installationId: INSTALLATION, repositoryId: 101 },
  { installationId: INSTALLATION, repositoryId: 102 },
  { installationId: OTHER_INSTALLATION, repositoryId: 201 },
];

describe.each(backends)("drop-code-index job on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    const embedder = createLocalEmbedder();
    for (const scope of REPOSITORIES) {
      await indexChangedFiles(
        { db: codeIndexDatabase(handle.db), embedder, log },
        scope,
        [
          { path: "src/math.ts", content: Buffer.from(MATH_TS), size: MATH_TS.length },
          // It imports ./math, so the repository has recorded imports to drop too.
          { path: "src/checkout.ts", content: Buffer.from(CHECKOUT_TS), size: CHECKOUT_TS.length },
        ],
        { ignore: [], maxFileBytes: 50_000, commitSha: "a".repeat(40) },
      );
    }
    // The first run migrates the shared PGlite template, slow on a busy machine.
  }, 180_000);
  afterEach(async () => {
    await handle.close();
  });

  const drop = (job: Omit<DropCodeIndexJob, "deliveryId">) =>
    createDropIndexJobHandler({ db: handle.db })(
      { ...job, deliveryId: "d-1" },
      { log, jobId: "job-1", retryCount: 0, signal: new AbortController().signal },
    );

  /**
   * installation#repository of every repository that still has an index state, files, chunks,
   * symbols or imports. Symbols are deleted by the drop itself: no foreign key cascades to them.
   */
  async function indexed(): Promise<Record<string, string[]>> {
    const db = codeIndexDatabase(handle.db);
    const keys = (rows: { installation_id: number; repository_id: number }[]) =>
      [...new Set(rows.map((r) => `${r.installation_id}#${r.repository_id}`))].sort();
    const columns = ["installation_id", "repository_id"] as const;
    return {
      indexes: keys(await db.selectFrom("code_indexes").select(columns).execute()),
      files: keys(await db.selectFrom("code_files").select(columns).execute()),
      chunks: keys(await db.selectFrom("code_chunks").select(columns).execute()),
      symbols: keys(await db.selectFrom("code_symbols").select(columns).execute()),
      imports: keys(await db.selectFrom("code_imports").select(columns).execute()),
    };
  }
  const all = (...keys: string[]) => ({
    indexes: keys,
    files: keys,
    chunks: keys,
    symbols: keys,
    imports: keys,
  });

  it("starts from three indexed repositories", async () => {
    expect(await indexed()).toEqual(all("7#101", "7#102", "8#201"));
  });

  it("drops the removed repositories only, and a second drop changes nothing", async () => {
    await drop({ installationId: INSTALLATION, repositoryIds: [101] });
    expect(await indexed()).toEqual(all("7#102", "8#201"));
    await drop({ installationId: INSTALLATION, repositoryIds: [101] });
    expect(await indexed()).toEqual(all("7#102", "8#201"));
  });

  it("never drops another installation's repository, whatever ids it is given", async () => {
    await drop({ installationId: INSTALLATION, repositoryIds: [201] });
    expect(await indexed()).toEqual(all("7#101", "7#102", "8#201"));
  });

  it("drops every repository of a deleted installation, twice without error", async () => {
    await drop({ installationId: INSTALLATION, repositoryIds: null });
    expect(await indexed()).toEqual(all("8#201"));
    await drop({ installationId: INSTALLATION, repositoryIds: null });
    expect(await indexed()).toEqual(all("8#201"));
  });

  it("keeps the index of a repository installed again before the job ran", async () => {
    await handle.db
      .insertInto("installations")
      .values({ id: INSTALLATION, account_login: "octo", account_type: "User" })
      .execute();
    await handle.db
      .insertInto("repositories")
      .values({
        id: 102,
        installation_id: INSTALLATION,
        full_name: "octo/again",
        private: false,
        default_branch: null,
      })
      .execute();
    await drop({ installationId: INSTALLATION, repositoryIds: [101, 102] });
    expect(await indexed()).toEqual(all("7#102", "8#201"));
  });
});
