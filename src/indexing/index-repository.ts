import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Embedder } from "../embeddings/embedder.ts";
import { chunkSource, readSourceFile, type Chunk, type ImportedName } from "./chunk-source.ts";
import { readGoModule, readModuleSettings, resolveImport } from "../code-index/resolve-import.ts";
import type { CodeIndexDatabase, SkipCounts } from "../code-index/code-index-tables.ts";
import {
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
import { ensureVectorIndex, suspendVectorIndex } from "../code-index/vector-index.ts";
import { decodeText, skipByContent, skipByPath, type IndexSkipReason } from "./skip-file.ts";

export type IndexDependencies = {
  db: CodeIndexDatabase;
  embedder: Embedder;
  log: Logger;
  signal?: AbortSignal;
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

/**
 * Indexes a whole repository from its archive entries (see read-tarball.ts). A file whose content
 * hash is already indexed with the same embedding model is neither chunked nor embedded; files no
 * longer in the archive leave the index. When the index was built with another model, everything
 * is re-embedded. Bad entries (symlinks, submodules, binaries, huge or undecodable files, files
 * that do not parse) are skipped or degraded and counted, never thrown. Throws when the database or
 * the embedder fails (the job retries; what was written stays and is reused by content hash).
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
    // Also after a failure: searches of every repository use the vector index.
    await run.resumeVectorIndex();
  }
}

async function indexEntries(
  run: Run,
  deps: IndexDependencies,
  entries: AsyncIterable<ArchiveEntry>,
  options: IndexOptions,
): Promise<IndexReport> {
  const seen = new Set<string>();
  for await (const entry of entries) {
    deps.signal?.throwIfAborted();
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
    const content = await entry.read();
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

async function startRun(
  deps: IndexDependencies,
  scope: RepositoryScope,
  mode: "full" | "incremental",
) {
  const { db, embedder, log } = deps;
  const state = await readIndexState(db, scope);
  const sameModel = state?.embedding_model === embedder.model;
  const previous = await readFileHashes(db, scope);
  // A repository with no vectors of this model yet writes all of them: when it is alone in the
  // table, the vector index is built once at the end rather than row by row (vector-index.ts).
  let suspended =
    mode === "full" && !sameModel
      ? await suspendVectorIndex(db, scope, embedder.dimensions)
      : false;
  if (!suspended) await ensureVectorIndex(db, embedder.dimensions);
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
  };
  if (state && !sameModel) {
    log.info(
      { from: state.embedding_model, to: embedder.model },
      "embedding model changed: re-embedding",
    );
  }
  let pending: {
    path: string;
    contentHash: string;
    bytes: number;
    chunks: Chunk[];
    imports: ImportedName[];
  }[] = [];
  /** The root tsconfig.json (or jsconfig.json) when this run read it: its `paths` resolve imports. */
  let moduleConfig: string | null = null;
  let pendingChunks = 0;
  const skippedPaths = new Set<string>();

  /**
   * The batch being embedded and written while the next one is parsed: at most one at a time, so
   * memory stays bounded to about two batches. `failure` holds the first batch's error, thrown by
   * the next `add` or `drain`, so one failing batch fails the run.
   */
  let inFlight: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;

  /** Reads cached vectors, embeds the rest and writes the batch's files in one transaction. */
  const writeBatch = async (batch: typeof pending) => {
    const hashes = [...new Set(batch.flatMap((file) => file.chunks.map((c) => c.contentHash)))];
    const cached = await readCachedVectors(
      db,
      scope.installationId,
      embedder.model,
      embedder.dimensions,
      hashes,
    );
    const missing = hashes.filter((hash) => !cached.has(hash));
    const byHash = new Map(
      batch.flatMap((file) => file.chunks.map((c) => [c.contentHash, c] as const)),
    );
    if (missing.length > 0) {
      const vectors = await embedder.embed(
        missing.map((hash) => byHash.get(hash)!.content),
        { signal: deps.signal },
      );
      missing.forEach((hash, i) => cached.set(hash, vectors[i]!));
    }
    report.embedded += missing.length;
    const files: IndexedFile[] = batch.map((file) => ({
      ...file,
      vectors: file.chunks.map((chunk) => cached.get(chunk.contentHash)!),
    }));
    report.cached += files.reduce((n, f) => n + f.chunks.length, 0) - missing.length;
    await writeFiles(db, scope, embedder.model, embedder.dimensions, files);
  };

  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };

  /** Waits for the batch in flight; rethrows the first batch's error. */
  const drain = async () => {
    if (inFlight) await inFlight;
    throwIfFailed();
  };

  /**
   * Hands the pending files to a write that runs while the caller parses the next batch, after
   * the previous write finished (one in flight). The write's error is kept for `drain`/`add`, and
   * handled here so that it is never an unhandled rejection while parsing goes on.
   */
  const startFlush = async () => {
    await drain();
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    pendingChunks = 0;
    inFlight = writeBatch(batch).then(
      () => {
        inFlight = null;
      },
      (error: unknown) => {
        inFlight = null;
        failure ??= { error };
      },
    );
  };

  return {
    previous,
    skippedPaths,
    async resumeVectorIndex() {
      if (!suspended) return;
      await ensureVectorIndex(db, embedder.dimensions);
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
      let chunks: Chunk[];
      let imports: ImportedName[] = [];
      try {
        ({ chunks, imports } = await readSourceFile(path, text));
      } catch (error) {
        // A grammar that fails on this content: index it as line windows rather than not at all.
        log.warn({ err: error, path }, "chunking failed; indexing line windows");
        report.unparsed += 1;
        chunks = (await chunkSource(`${path}.unparsed`, text)).map((chunk) => ({
          ...chunk,
          path,
          language: null,
        }));
      }
      report.indexed += 1;
      report.chunks += chunks.length;
      pending.push({ path, contentHash, bytes: content.length, chunks, imports });
      pendingChunks += chunks.length;
      if (pendingChunks >= BATCH_CHUNKS) await startFlush();
    },
    /** Writes what is pending and waits until every batch is written; throws the first failure. */
    async flush() {
      await startFlush();
      await drain();
    },
    /**
     * Waits for the batch in flight without throwing: a run that fails (abort, bad archive) must
     * not leave a write running behind its cleanup.
     */
    async settle() {
      if (inFlight) await inFlight;
    },
    async finish(gone: string[], commitSha: string | null): Promise<IndexReport> {
      await removeFiles(db, scope, gone);
      report.removed = gone.length;
      await resolveImports(db, scope, moduleConfig);
      await this.resumeVectorIndex();
      const totals = await writeIndexState(db, scope, {
        commitSha,
        model: embedder.model,
        dimensions: embedder.dimensions,
        skipped: report.skipped,
      });
      report.totalFiles = totals.files;
      report.totalChunks = totals.chunks;
      log.info({ ...report }, "repository indexed");
      return report;
    },
  };
}
