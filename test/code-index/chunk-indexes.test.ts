import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  codeIndexDatabase,
  type CodeIndexDatabase,
  type CodeIndexSchema,
} from "../../src/code-index/code-index-tables.ts";
import { ensureChunkIndexes } from "../../src/code-index/chunk-indexes.ts";
import { findByIdentifiers, findSimilar } from "../../src/code-index/search-code-index.ts";
import type { Embedder } from "../../src/embeddings/embedder.ts";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { indexChangedFiles, indexRepositoryArchive } from "../../src/indexing/index-repository.ts";
import { readTarball } from "../../src/indexing/read-tarball.ts";
import { makeTarball } from "../helpers/make-tarball.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const log = silentLogger();
const REPO = { installationId: 1, repositoryId: 10 };
const OTHER = { installationId: 2, repositoryId: 20 };
const options = { ignore: [], maxFileBytes: 50_000, commitSha: "abc" };
const INDEX = "code_chunks_embedding_384_idx";
const SEARCH_INDEX = "code_chunks_search_idx";

const files = (prefix: string) =>
  Array.from({ length: 12 }, (_, i) => ({
    path: `src/${prefix}${i}.ts`,
    content: `export function ${prefix}Task${i}(input: number): number {\n  return input * ${i};\n}\n`,
  }));

describe.each(backends)("the vector and full-text indexes during a full index on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: CodeIndexDatabase;
  const deps = (embedder: Embedder = createLocalEmbedder()) => ({ db, embedder, log });
  const index = async (scope: typeof REPO, prefix: string, embedder?: Embedder) =>
    indexRepositoryArchive(
      deps(embedder),
      scope,
      readTarball(await makeTarball(`o-r-${prefix}`, files(prefix))),
      options,
    );
  /** An index's identity: a dropped and rebuilt index has a new one; undefined when missing. */
  const indexOid = async (name = INDEX) => {
    const { rows } = await sql<{ oid: number }>`
      SELECT to_regclass(${name})::oid::int AS oid`.execute(db);
    return rows[0]?.oid ?? undefined;
  };
  /**
   * Whether a full-text match can use the GIN index: with sequential scans off and no other
   * condition, a plan without it would have to read a whole btree.
   */
  const fullTextUsesIndex = async () =>
    db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const plan = await sql<{ "QUERY PLAN": string }>`
        EXPLAIN SELECT id FROM code_chunks
        WHERE search_vector @@ to_tsquery('simple', 'alphatask3')`.execute(trx);
      return plan.rows.some((row) => row["QUERY PLAN"].includes(SEARCH_INDEX));
    });

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    db = codeIndexDatabase(handle.db);
  });
  afterEach(async () => {
    await handle.close();
  });

  it("is built once after the first repository's vectors are written, and searches use it", async () => {
    const before = await indexOid();
    expect(before).toBeDefined();
    await index(REPO, "alpha");
    const after = await indexOid();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const [vector] = await createLocalEmbedder().embed(["alphaTask3 input"]);
    const hits = await findSimilar(
      db,
      REPO,
      { model: createLocalEmbedder().model, vector: vector! },
      3,
    );
    expect(hits.map((hit) => hit.path)).toContain("src/alpha3.ts");
  });

  it("builds the full-text index again after the first repository's chunks are written, and full-text search uses it", async () => {
    const before = await indexOid(SEARCH_INDEX);
    expect(before).toBeDefined();
    await index(REPO, "alpha");
    const after = await indexOid(SEARCH_INDEX);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(await fullTextUsesIndex()).toBe(true);
    const hits = await findByIdentifiers(db, REPO, ["alphaTask3"], 3);
    expect(hits.map((hit) => hit.path)).toEqual(["src/alpha3.ts"]);
  });

  it("keeps both indexes through a second repository's full index and its incremental push", async () => {
    await index(OTHER, "beta");
    const vectors = await indexOid();
    const fullText = await indexOid(SEARCH_INDEX);
    await index(REPO, "alpha");
    await indexChangedFiles(
      deps(),
      REPO,
      [
        {
          path: "src/alpha3.ts",
          content: Buffer.from(
            "export function alphaTask3(input: number): number {\n  return input;\n}\n",
          ),
          size: 64,
        },
        { path: "src/alpha4.ts", content: null, size: 0 },
      ],
      options,
    );
    expect(await indexOid()).toBe(vectors);
    expect(await indexOid(SEARCH_INDEX)).toBe(fullText);
    expect(await fullTextUsesIndex()).toBe(true);
    expect((await findByIdentifiers(db, REPO, ["alphaTask4"], 3)).length).toBe(0);
    expect((await findByIdentifiers(db, REPO, ["alphaTask3"], 3)).map((hit) => hit.path)).toEqual([
      "src/alpha3.ts",
    ]);
  });

  it("is rebuilt when the run fails half way, and by the next run when one died without it", async () => {
    const failing: Embedder = {
      ...createLocalEmbedder(),
      embed: () => Promise.reject(new Error("embedding service down")),
    };
    await expect(index(REPO, "alpha", failing)).rejects.toThrow("embedding service down");
    expect(await indexOid()).toBeDefined();
    expect(await indexOid(SEARCH_INDEX)).toBeDefined();

    // A process killed between the drop and the build leaves no index: any next run builds it.
    await sql`DROP INDEX ${sql.id(INDEX)}`.execute(db);
    await sql`DROP INDEX ${sql.id(SEARCH_INDEX)}`.execute(db);
    await indexChangedFiles(
      deps(),
      REPO,
      [{ path: "src/x.ts", content: Buffer.from("export const x = 1;\n"), size: 20 }],
      options,
    );
    expect(await indexOid()).toBeDefined();
    expect(await indexOid(SEARCH_INDEX)).toBeDefined();
  });

  it.runIf(backend === "postgres")(
    "is not dropped when the table's lock is held elsewhere: the run writes through it instead",
    async () => {
      const other = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await other.connect();
      try {
        await other.query("BEGIN");
        await other.query(`SET search_path TO "${handle.schema}"`);
        await other.query("LOCK TABLE code_chunks IN ACCESS SHARE MODE");
        const before = await indexOid();
        const fullText = await indexOid(SEARCH_INDEX);
        await index(REPO, "alpha");
        expect(await indexOid()).toBe(before);
        expect(await indexOid(SEARCH_INDEX)).toBe(fullText);
      } finally {
        await other.query("ROLLBACK").catch(() => {});
        await other.end();
      }
    },
  );

  it.runIf(backend === "postgres")(
    "builds HNSW with enough memory for the graph even where maintenance_work_mem is small",
    async () => {
      await sql`
        INSERT INTO code_chunks (installation_id, repository_id, path, start_line, end_line, kind,
          content, content_hash, search_text, embedding_model, embedding_384)
        SELECT 1, 10, 'src/g' || g || '.ts', 1, 1, 'function', 'x', md5(g::text), 'x', 'm',
          (SELECT array_agg(random())::vector(384) FROM generate_series(1, 384) AS d WHERE g > 0)
        FROM generate_series(1, 1000) AS g`.execute(db);
      await sql`DROP INDEX ${sql.id(INDEX)}`.execute(db);
      // 1,000 vectors of 384 need about 2.3 MB of graph: at 1 MB pgvector says it spills to disk.
      const notices: string[] = [];
      const pool = new pg.Pool({
        connectionString: process.env.TEST_DATABASE_URL,
        max: 1,
        options: `-c search_path="${handle.schema}",public -c maintenance_work_mem=1MB`,
      });
      pool.on("connect", (client) =>
        client.on("notice", (notice) => notices.push(notice.message ?? "")),
      );
      const small = new Kysely<CodeIndexSchema>({ dialect: new PostgresDialect({ pool }) });
      try {
        await ensureChunkIndexes(small, 384);
      } finally {
        await small.destroy();
      }
      expect(await indexOid()).toBeDefined();
      expect(notices.filter((message) => message.includes("maintenance_work_mem"))).toEqual([]);
    },
  );
});
