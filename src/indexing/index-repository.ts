import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Embedder } from "../embeddings/embedder.ts";
import type { Chunk, ImportedName } from "./chunk-source.ts";
import { readGoModule, readModuleSettings, resolveImport } from "../code-index/resolve-import.ts";
import type { CodeIndexDatabase, SkipCounts } from "../code-index/code-index-tables.ts";
import {
  hasVectors,
  readCachedVectors,
  readFileHashes,
  readIndexState,
  readIndexedText,
  removeFiles,
  resolveImportTargets,
  writeFiles,
  writeIndexState,
  type IndexedFile,
  type RepositoryScope,
} from "../code-index/code-index-store.ts";
import type { ArchiveEntry } from "./read-tarball.ts";
import { ensureChunkIndexes, suspendChunkIndexes } from "../code-index/chunk-indexes.ts";
import { parseFileForIndex, type ParsedFile } from "./parse-file-for-index.ts";
import { createParsePool, ParseWorkerError, type ParsePool } from "./parse-pool.ts";
import { decodeText, skipByContent, skipByPath, type IndexSkipReason } from "./skip-file.ts";

export type IndexDependencies = {
  db: CodeIndexDatabase;
  embedder: Embedder;
  log: Logger;
  signal?: AbortSignal;
  /**
   * Parses a full index's files off the main thread. Without it, a full index of more than
   * PARSE_INLINE_FILES files starts a pool of its own (parse-pool.ts) and stops it when done;
   * an incremental run parses on the main thread.
   */
  parsePool?: ParsePool;
};

export type IndexOptions = {
  /** `.github/revue.yml` ignore patterns. */
  ignore: readonly string[];
  maxFileBytes: number;
  /** The commit being indexed, recorded with the index. */
  commitSha: string | null;
};

/** A changed file of a push: its new bytes, or null when it was removed. */
export type ChangedFileContent = { path: string; content: Buffer | null; size: number };

export type IndexReport = {
  mode: "full" | "incremental";
  /** Files chunked and embedded in this run. */
  indexed: number;
  /** Files whose content hash was already indexed: not chunked, not embedded. */
  unchanged: number;
  removed: number;
  chunks: number;
  /** Chunks embedded by the model in this run; the rest came from the cache. */
  embedded: number;
  cached: number;
  /** Files indexed although their text was not valid UTF-8 (read as Latin-1). */
  nonUtf8: number;
  /** Files that did not parse and were cut into line windows instead. */
  unparsed: number;
  skipped: SkipCounts;
  totalFiles: number;
  totalChunks: number;
  /** Where the run's time went; phases overlap (see IndexPhases), `elapsedMs` is the wall clock. */
  phases: IndexPhases;
  elapsedMs: number;
};

/**
 * Milliseconds spent in each phase of a run. They overlap, so they add up to more than the run's
 * wall clock: a batch is embedded and written while the next files are read and parsed, and
 * parsing happens in worker threads during a full index.
 */
export type IndexPhases = {
  /** Waiting for the archive's next entry and reading its bytes (download and gunzip). */
  readMs: number;
  /** Chunking along the syntax tree, symbols, references, imports and search text. */
  parseMs: number;
  /** The embedder's calls. */
  embedMs: number;
  /** Database reads and writes of the files, chunks, symbols and imports, and import resolution. */
  writeMs: number;
  /** Dropping and building the HNSW and full-text indexes around a first full index. */
  indexBuildMs: number;
};

/** Config files whose `compilerOptions.paths` and `baseUrl` resolve imports, first found wins. */
const MODULE_CONFIGS = ["tsconfig.json", "jsconfig.json"];

/**
 * Points every recorded import at the file it names now that the run has written every file:
 * with `moduleConfig` when this run read the root tsconfig.json, else with the one in the index,
 * and with the module path of the indexed root go.mod.
 */
async function resolveImports(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  moduleConfig: string | null,
): Promise<void> {
  let config = moduleConfig;
  for (const path of MODULE_CONFIGS) config ??= await readIndexedText(db, scope, path);
  const goMod = await readIndexedText(db, scope, "go.mod");
  const settings = {
    ...readModuleSettings(config ?? "{}"),
    goModule: goMod === null ? null : readGoModule(goMod),
  };
  const files = new Set((await readFileHashes(db, scope)).keys());
  await resolveImportTargets(db, scope, (path, specifier) =>
    resolveImport(path, specifier, files, settings),
  );
}

/** Flush pending files when this many chunks wait for embedding. */
const BATCH_CHUNKS = 256;

/** A full index parses this many files on the main thread before it starts parse workers. */
export const PARSE_INLINE_FILES = 32;

/**
 * Batches written at once: on PostgreSQL, a second one uses another connection and core while the
 * first is inserted (to_tsvector, TOAST and btrees cost the server about 0.25 ms of CPU a chunk).
 */
const WRITES_IN_FLIGHT = 2;

/** Files handed to the parse workers and not yet collected: bounds memory, keeps workers busy. */
const PARSES_IN_FLIGHT = 32;

/**
 * Indexes a whole repository from its archive entries (see read-tarball.ts). A file whose content
 * hash is already indexed with the same embedding model is neither chunked nor embedded; files no
 * longer in the archive leave the index. When the index was built with another model, everything
 * is re-embedded. Bad entries (symlinks, submodules, binaries, huge or undecodable files, files
 * that do not parse) are skipped or degraded and counted, never thrown. Throws when the database or
 * the embedder fails, or a parse worker stops (ParseWorkerError); the job retries, and what was
 * written stays and is reused by content hash.
 */
export async function indexRepositoryArchive(
  deps: IndexDependencies,
  scope: RepositoryScope,
  entries: AsyncIterable<ArchiveEntry>,
  options: IndexOptions,
): Promise<IndexReport> {
  const run = await startRun(deps, scope, "full");
  try {
    return await indexEntries(run, deps, entries, options);
  } finally {
    await run.settle();
    // Also after a failure: searches of every repository use these indexes.
    await run.resumeIndexes();
  }
}

async function indexEntries(
  run: Run,
  deps: IndexDependencies,
  entries: AsyncIterable<ArchiveEntry>,
  options: IndexOptions,
): Promise<IndexReport> {
  const seen = new Set<string>();
  const iterator = entries[Symbol.asyncIterator]();
  for (;;) {
    deps.signal?.throwIfAborted();
    const next = await run.reading(() => iterator.next());
    if (next.done) break;
    const entry = next.value;
    if (entry.kind === "directory") continue;
    if (entry.kind === "symlink") {
      run.skip("symlink");
      continue;
    }
    if (entry.kind !== "file") {
      run.skip("submodule or other non-file entry");
      continue;
    }
    const reason = skipByPath(entry.path, entry.size, options);
    if (reason) {
      entry.skip();
      run.skip(reason);
      continue;
    }
    const content = await run.reading(() => entry.read());
    seen.add(entry.path);
    await run.add(entry.path, content);
  }
  await run.flush();
  const gone = [...run.previous.keys()].filter(
    (path) => !seen.has(path) || run.skippedPaths.has(path),
  );
  return run.finish(gone, options.commitSha);
}

/**
 * Re-indexes only the files a push changed: removed files leave the index, added and modified
 * ones are re-chunked unless their content hash is already indexed. The caller falls back to
 * `indexRepositoryArchive` when there is no index yet or it was built with another model.
 */
export async function indexChangedFiles(
  deps: IndexDependencies,
  scope: RepositoryScope,
  changes: ChangedFileContent[],
  options: IndexOptions,
): Promise<IndexReport> {
  const run = await startRun(deps, scope, "incremental");
  try {
    return await indexChanges(run, deps, changes, options);
  } finally {
    await run.settle();
  }
}

async function indexChanges(
  run: Run,
  deps: IndexDependencies,
  changes: ChangedFileContent[],
  options: IndexOptions,
): Promise<IndexReport> {
  const removed: string[] = [];
  for (const change of changes) {
    deps.signal?.throwIfAborted();
    if (change.content === null) {
      removed.push(change.path);
      continue;
    }
    const reason = skipByPath(change.path, change.size, options);
    if (reason) {
      run.skip(reason);
      removed.push(change.path);
      continue;
    }
    await run.add(change.path, change.content);
  }
  await run.flush();
  const gone = [...removed, ...run.skippedPaths].filter((path) => run.previous.has(path));
  return run.finish(gone, options.commitSha);
}

type Run = Awaited<ReturnType<typeof startRun>>;

type PendingFile = {
  path: string;
  contentHash: string;
  bytes: number;
  chunks: Chunk[];
  imports: ImportedName[];
  searchTexts: string[];
};

async function startRun(
  deps: IndexDependencies,
  scope: RepositoryScope,
  mode: "full" | "incremental",
) {
  const { db, embedder, log } = deps;
  const started = performance.now();
  const phases: IndexPhases = { readMs: 0, parseMs: 0, embedMs: 0, writeMs: 0, indexBuildMs: 0 };
  /** Runs `step`, adding its duration to `phase`. */
  const timed = async <T>(phase: keyof IndexPhases, step: () => Promise<T>): Promise<T> => {
    const stepStarted = performance.now();
    try {
      return await step();
    } finally {
      phases[phase] += performance.now() - stepStarted;
    }
  };

  const state = await timed("writeMs", () => readIndexState(db, scope));
  const sameModel = state?.embedding_model === embedder.model;
  const previous = await timed("writeMs", () => readFileHashes(db, scope));
  // A repository with no vectors of this model yet writes all of them: the indexes only it would
  // use are built once at the end rather than row by row (chunk-indexes.ts).
  let suspended = await timed("indexBuildMs", async () => {
    const dropped =
      mode === "full" && !sameModel
        ? await suspendChunkIndexes(db, scope, embedder.dimensions)
        : [];
    if (dropped.length < 2) await ensureChunkIndexes(db, embedder.dimensions);
    return dropped.length > 0;
  });
  // The embedding cache is looked up only for content that can be in it: when the installation had
  // no vectors of this model before the run, only content this run already wrote.
  const cacheWasEmpty = !(await timed("writeMs", () =>
    hasVectors(db, scope.installationId, embedder.model, embedder.dimensions),
  ));
  const writtenHashes = new Set<string>();
  /** Paths this run wrote; with `previous`, the only ones that can have rows to replace. */
  const writtenPaths = new Set<string>();
  const report: IndexReport = {
    mode,
    indexed: 0,
    unchanged: 0,
    removed: 0,
    chunks: 0,
    embedded: 0,
    cached: 0,
    nonUtf8: 0,
    unparsed: 0,
    skipped: {},
    totalFiles: 0,
    totalChunks: 0,
    phases,
    elapsedMs: 0,
  };
  if (state && !sameModel) {
    log.info(
      { from: state.embedding_model, to: embedder.model },
      "embedding model changed: re-embedding",
    );
  }
  let pending: PendingFile[] = [];
  /** The root tsconfig.json (or jsconfig.json) when this run read it: its `paths` resolve imports. */
  let moduleConfig: string | null = null;
  let pendingChunks = 0;
  const skippedPaths = new Set<string>();

  /**
   * Parsing: on the main thread for an incremental run and the first files of a full one, then in
   * worker threads (`deps.parsePool`, or a pool of the run's own once PARSE_INLINE_FILES files were
   * parsed). Parses finish out of order; `parsing` keeps them in the order the files came, and at
   * most PARSES_IN_FLIGHT wait, so memory stays bounded while the workers stay busy.
   */
  let ownPool: ParsePool | null = null;
  let parsedInline = 0;
  /** The parse of a file, and whether it runs on this thread (then nothing else may wait). */
  const parseFile = (path: string, text: string): [Promise<ParsedFile>, boolean] => {
    if (mode === "full") {
      if (deps.parsePool) return [deps.parsePool.parse(path, text), false];
      if (ownPool || parsedInline >= PARSE_INLINE_FILES) {
        ownPool ??= createParsePool();
        return [ownPool.parse(path, text), false];
      }
    }
    parsedInline += 1;
    return [parseFileForIndex(path, text), true];
  };
  type Parse = { path: string; contentHash: string; bytes: number; file: Promise<ParsedFile> };
  const parsing: Parse[] = [];

  /**
   * Batches being embedded and written while the next one is parsed: at most WRITES_IN_FLIGHT at a
   * time, so memory stays bounded to a few batches, and one embedder call at a time (`embedding`),
   * in batch order. `failure` holds the first batch's error, thrown by the next `add` or `drain`,
   * so one failing batch fails the run, and no batch embeds after it.
   */
  const writing = new Set<Promise<void>>();
  let embedding: Promise<unknown> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  /** Paths in a batch of this run, written or not: one seen again waits for the writes (collect). */
  const batchedPaths = new Set<string>();

  /** Reads cached vectors, embeds the rest and writes the batch's files in one transaction. */
  const writeBatch = async (batch: PendingFile[]) => {
    const hashes = [...new Set(batch.flatMap((file) => file.chunks.map((c) => c.contentHash)))];
    const cached = await timed("writeMs", () =>
      readCachedVectors(
        db,
        scope.installationId,
        embedder.model,
        embedder.dimensions,
        cacheWasEmpty ? hashes.filter((hash) => writtenHashes.has(hash)) : hashes,
      ),
    );
    const missing = hashes.filter((hash) => !cached.has(hash));
    const byHash = new Map(
      batch.flatMap((file) => file.chunks.map((c) => [c.contentHash, c] as const)),
    );
    if (missing.length > 0) {
      const embedded = embedding.then(() => {
        throwIfFailed();
        return timed("embedMs", () =>
          embedder.embed(
            missing.map((hash) => byHash.get(hash)!.content),
            { signal: deps.signal },
          ),
        );
      });
      embedding = embedded.catch(() => {});
      const vectors = await embedded;
      missing.forEach((hash, i) => cached.set(hash, vectors[i]!));
    }
    report.embedded += missing.length;
    const files: IndexedFile[] = batch.map((file) => ({
      ...file,
      vectors: file.chunks.map((chunk) => cached.get(chunk.contentHash)!),
    }));
    report.cached += files.reduce((n, f) => n + f.chunks.length, 0) - missing.length;
    await timed("writeMs", () =>
      writeFiles(
        db,
        scope,
        embedder.model,
        embedder.dimensions,
        files,
        (path) => previous.has(path) || writtenPaths.has(path),
      ),
    );
    for (const file of batch) {
      writtenPaths.add(file.path);
      for (const chunk of file.chunks) writtenHashes.add(chunk.contentHash);
    }
  };

  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };

  /** Waits for every batch in flight; rethrows the first batch's error. */
  const drain = async () => {
    await Promise.all(writing);
    throwIfFailed();
  };

  /**
   * Hands the pending files to a write that runs while the caller parses the next batch, once
   * fewer than WRITES_IN_FLIGHT are running. The write's error is kept for `drain`/`add`, and
   * handled here so that it is never an unhandled rejection while parsing goes on.
   */
  const startFlush = async () => {
    throwIfFailed();
    while (writing.size >= WRITES_IN_FLIGHT) await Promise.race(writing);
    throwIfFailed();
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingChunks = 0;
    const write: Promise<void> = writeBatch(batch).then(
      () => {
        writing.delete(write);
      },
      (error: unknown) => {
        writing.delete(write);
        failure ??= { error };
      },
    );
    writing.add(write);
  };

  /** Takes the oldest parse's result into the pending batch, flushing a full batch. */
  const collect = async () => {
    const next = parsing.shift()!;
    let file: ParsedFile;
    try {
      file = await next.file;
    } catch (error) {
      // A stopped worker fails the run. Any other error is the broken install chunkSource throws
      // for (no grammar runtime): the same for every file, so it fails the run too.
      throw error instanceof ParseWorkerError
        ? error
        : new Error(`Could not parse ${next.path} for the index`, { cause: error });
    }
    if (file.unparsedBecause !== null) {
      // A grammar that fails on this content: indexed as line windows rather than not at all.
      log.warn(
        { err: file.unparsedBecause, path: next.path },
        "chunking failed; indexing line windows",
      );
      report.unparsed += 1;
    }
    phases.parseMs += file.parseMs;
    // The same path twice in one archive: its earlier rows must be committed before this batch
    // replaces them, or both would stay.
    if (batchedPaths.has(next.path)) {
      await startFlush();
      await drain();
    }
    batchedPaths.add(next.path);
    report.indexed += 1;
    report.chunks += file.chunks.length;
    pending.push({
      path: next.path,
      contentHash: next.contentHash,
      bytes: next.bytes,
      chunks: file.chunks,
      imports: file.imports,
      searchTexts: file.searchTexts,
    });
    pendingChunks += file.chunks.length;
    if (pendingChunks >= BATCH_CHUNKS) await startFlush();
  };

  /** Parses still waiting settle before the run ends, so none rejects unhandled. */
  const abandonParsing = async () => {
    const waiting = parsing.splice(0);
    await Promise.allSettled(waiting.map((parse) => parse.file));
  };

  return {
    previous,
    skippedPaths,
    reading: <T>(step: () => Promise<T>) => timed("readMs", step),
    async resumeIndexes() {
      if (!suspended) return;
      await timed("indexBuildMs", () => ensureChunkIndexes(db, embedder.dimensions));
      suspended = false;
    },
    skip(reason: IndexSkipReason, path?: string) {
      report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
      if (path) skippedPaths.add(path);
    },
    async add(path: string, content: Buffer) {
      throwIfFailed();
      const contentReason = skipByContent(content);
      if (contentReason) {
        this.skip(contentReason, path);
        return;
      }
      if (MODULE_CONFIGS.includes(path)) moduleConfig ??= decodeText(content).text;
      const contentHash = createHash("sha256").update(content).digest("hex");
      if (sameModel && previous.get(path) === contentHash) {
        report.unchanged += 1;
        return;
      }
      const { text, utf8 } = decodeText(content);
      if (!utf8) report.nonUtf8 += 1;
      const [file, inline] = parseFile(path, text);
      // Handled now so that a parse failing while others are awaited is never unhandled; the
      // error itself reaches the run through `collect`.
      file.catch(() => {});
      parsing.push({ path, contentHash, bytes: content.length, file });
      while (parsing.length >= (inline ? 1 : PARSES_IN_FLIGHT)) await collect();
    },
    /** Writes what is pending and waits until every batch is written; throws the first failure. */
    async flush() {
      while (parsing.length > 0) await collect();
      await startFlush();
      await drain();
    },
    /**
     * Waits for the parses and the batch in flight without throwing, and stops the run's parse
     * workers: a run that fails (abort, bad archive, a stopped worker) must not leave work running
     * behind its cleanup.
     */
    async settle() {
      await abandonParsing();
      await Promise.allSettled(writing);
      await ownPool?.close();
    },
    async finish(gone: string[], commitSha: string | null): Promise<IndexReport> {
      await timed("writeMs", async () => {
        await removeFiles(db, scope, gone);
        await resolveImports(db, scope, moduleConfig);
      });
      report.removed = gone.length;
      await this.resumeIndexes();
      const totals = await timed("writeMs", () =>
        writeIndexState(db, scope, {
          commitSha,
          model: embedder.model,
          dimensions: embedder.dimensions,
          skipped: report.skipped,
        }),
      );
      report.totalFiles = totals.files;
      report.totalChunks = totals.chunks;
      report.elapsedMs = performance.now() - started;
      log.info({ ...report }, "repository indexed");
      return report;
    },
  };
}
