import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  codeIndexDatabase,
  type CodeIndexDatabase,
} from "../../src/code-index/code-index-tables.ts";
import type { Embedder } from "../../src/embeddings/embedder.ts";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { chunkSource } from "../../src/indexing/chunk-source.ts";
import { indexRepositoryArchive } from "../../src/indexing/index-repository.ts";
import { createParsePool, ParseWorkerError } from "../../src/indexing/parse-pool.ts";
import { readTarball, type ArchiveEntry } from "../../src/indexing/read-tarball.ts";
import { makeTarball } from "../helpers/make-tarball.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

// A full index embeds and writes one batch (~256 chunks) while it parses the next. These tests
// index enough files for several batches through an embedder that answers a few milliseconds
// later, as a remote one would, so that a batch is still in flight when the next one is ready.

const log = silentLogger();
const REPO = { installationId: 1, repositoryId: 10 };
const options = { ignore: [], maxFileBytes: 50_000, commitSha: "abc" };
const FILES = 60;

/** File i defines ten functions of its own: ~600 chunks, several batches, no shared content. */
const corpus = Array.from({ length: FILES }, (_, i) => ({
  path: `src/module${i}.ts`,
  content: Array.from(
    { length: 10 },
    (_, j) =>
      `export function task${i}x${j}(input: number): number {\n  return input * ${i} + ${j};\n}\n`,
  ).join("\n"),
}));

type Probe = {
  embedder: Embedder;
  /** Most embed calls running at once. */
  mostAtOnce: number;
  /** Archive entries read so far. */
  read: number;
  /** Entries read when the first batch's embedding returned, and that batch's files. */
  readWhenFirstEmbedded: number;
  firstBatchFiles: number;
  running: number;
};

/** The local embedder answering 10 ms later; `failOnCall` (1-based) rejects that call instead. */
function slowEmbedder(failOnCall?: number, onCall?: (call: number) => void): Probe {
  const local = createLocalEmbedder();
  let calls = 0;
  const probe: Probe = {
    mostAtOnce: 0,
    read: 0,
    readWhenFirstEmbedded: 0,
    firstBatchFiles: 0,
    running: 0,
    embedder: {
      model: local.model,
      dimensions: local.dimensions,
      async embed(texts) {
        calls += 1;
        const call = calls;
        onCall?.(call);
        probe.running += 1;
        probe.mostAtOnce = Math.max(probe.mostAtOnce, probe.running);
        try {
          await new Promise((resolve) => setTimeout(resolve, 10));
          if (call === failOnCall) throw new Error(`embedding call ${call} failed`);
          if (call === 1) {
            probe.readWhenFirstEmbedded = probe.read;
            probe.firstBatchFiles = texts.length / 10;
          }
          return await local.embed(texts);
        } finally {
          probe.running -= 1;
        }
      },
    },
  };
  return probe;
}

/** The archive's entries, counted as they are read. */
async function* watched(entries: AsyncIterable<ArchiveEntry>, probe: Probe) {
  for await (const entry of entries) {
    probe.read += 1;
    yield entry;
  }
}

describe.each(backends)("a full index pipelines its batches on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: CodeIndexDatabase;

  const run = async (probe: Probe, signal?: AbortSignal) =>
    indexRepositoryArchive(
      { db, embedder: probe.embedder, log, signal },
      REPO,
      watched(readTarball(await makeTarball("o-r-abc1234", corpus)), probe),
      options,
    );

  /** Per file: its recorded chunk count and the chunk rows actually stored. */
  const storedFiles = async () => {
    const { rows } = await sql<{ path: string; recorded: number | null; stored: number }>`
      SELECT coalesce(f.path, c.path) AS path, f.chunks AS recorded, count(c.id)::int AS stored
      FROM code_files f
      FULL JOIN code_chunks c
        ON c.installation_id = f.installation_id AND c.repository_id = f.repository_id
        AND c.path = f.path
      GROUP BY 1, 2`.execute(db);
    return rows;
  };

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    db = codeIndexDatabase(handle.db);
  });
  afterEach(async () => {
    await handle.close();
  });

  it("writes every batch before it reports, with the totals of a file-by-file count", async () => {
    let expectedChunks = 0;
    for (const file of corpus)
      expectedChunks += (await chunkSource(file.path, file.content)).length;
    expect(expectedChunks).toBeGreaterThan(2 * 256);

    const probe = slowEmbedder();
    const report = await run(probe);

    expect(report).toMatchObject({
      indexed: FILES,
      chunks: expectedChunks,
      embedded: expectedChunks,
      cached: 0,
      totalFiles: FILES,
      totalChunks: expectedChunks,
    });
    const stored = await storedFiles();
    expect(stored).toHaveLength(FILES);
    for (const file of stored) expect(file.stored).toBe(file.recorded);
    // Files of the second batch were read before the first was embedded (a sequential run reads
    // exactly the first batch's), and never more than one batch embedded at a time.
    expect(probe.firstBatchFiles).toBeGreaterThan(0);
    expect(probe.readWhenFirstEmbedded).toBeGreaterThan(probe.firstBatchFiles);
    expect(probe.mostAtOnce).toBe(1);
  });

  it("reuses a vector an earlier batch of the same first index wrote, instead of embedding it again", async () => {
    const copy = { path: "src/copy-of-module0.ts", content: corpus[0]!.content };
    const copied = (await chunkSource(copy.path, copy.content)).length;
    const probe = slowEmbedder();
    const report = await indexRepositoryArchive(
      { db, embedder: probe.embedder, log },
      REPO,
      readTarball(await makeTarball("o-r-abc1234", [...corpus, copy])),
      options,
    );
    // The copy comes last, batches after module0's: only the run's own writes can supply it.
    expect(report.cached).toBe(copied);
    expect(report.embedded).toBe(report.chunks - copied);
  });

  it("fails on a later batch's failed embed, leaving only whole files of the earlier batches", async () => {
    const probe = slowEmbedder(2);
    await expect(run(probe)).rejects.toThrow("embedding call 2 failed");

    const stored = await storedFiles();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(FILES);
    for (const file of stored) expect(file.stored, file.path).toBe(file.recorded);
    // The run stopped there: nothing after the failure was embedded.
    expect(probe.running).toBe(0);
    const state = await db.selectFrom("code_indexes").select("files").executeTakeFirst();
    expect(state).toBeUndefined();
  });

  it("stops when aborted during a batch and waits for that batch before it returns", async () => {
    const controller = new AbortController();
    const probe = slowEmbedder(undefined, (call) => {
      if (call === 1) controller.abort(new Error("job cancelled"));
    });
    await expect(run(probe, controller.signal)).rejects.toThrow("job cancelled");
    expect(probe.running).toBe(0);
    const stored = await storedFiles();
    expect(stored.length).toBeLessThan(FILES);
    for (const file of stored) expect(file.stored, file.path).toBe(file.recorded);
  });

  it("fails with ParseWorkerError, instead of waiting for ever, when a parse worker stops", async () => {
    const parsePool = createParsePool(
      1,
      new URL("./fixtures/exiting-parse-worker.ts", import.meta.url),
    );
    const probe = slowEmbedder();
    try {
      await expect(
        indexRepositoryArchive(
          { db, embedder: probe.embedder, log, parsePool },
          REPO,
          readTarball(await makeTarball("o-r-abc1234", corpus)),
          options,
        ),
      ).rejects.toThrow(ParseWorkerError);
    } finally {
      await parsePool.close();
    }
    expect(probe.running).toBe(0);
    const state = await db.selectFrom("code_indexes").select("files").executeTakeFirst();
    expect(state).toBeUndefined();
    const { rows } = await sql<{ found: boolean }>`
      SELECT to_regclass('code_chunks_search_idx') IS NOT NULL AS found`.execute(db);
    expect(rows[0]!.found).toBe(true);
  }, 30_000);
});
