import { lstat, readFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { codeIndexDatabase } from "../code-index/code-index-tables.ts";
import type { RepositoryScope } from "../code-index/code-index-store.ts";
import type { Database } from "../db/open-database.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import { indexRepositoryArchive, type IndexReport } from "../indexing/index-repository.ts";
import type { ArchiveEntry } from "../indexing/read-tarball.ts";
import { readTarball } from "../indexing/read-tarball.ts";
import { runGit, runGitBytes } from "./run-git.ts";

/** The one repository a command-line database holds. */
export const LOCAL_SCOPE: RepositoryScope = { installationId: 0, repositoryId: 0 };

/**
 * Indexes the files git tracks in the working tree at `root` (their bytes on disk) with the same
 * indexer the App runs on a repository's archive, so the review's context comes from the same
 * retrieval. Throws what git, the database or the embedder throws.
 */
export async function indexWorkingTree(
  deps: { db: Database; embedder: Embedder; log: Logger },
  options: { root: string; ignore: readonly string[]; maxFileBytes: number; commitSha: string },
): Promise<IndexReport> {
  const listed = await runGit(["ls-files", "-z"], { cwd: options.root });
  const paths = listed.split("\0").filter(Boolean);
  return indexRepositoryArchive(
    { db: codeIndexDatabase(deps.db), embedder: deps.embedder, log: deps.log },
    LOCAL_SCOPE,
    readEntries(options.root, paths),
    { ignore: options.ignore, maxFileBytes: options.maxFileBytes, commitSha: options.commitSha },
  );
}

/**
 * Indexes the tree of `commit` (not the working tree: an eval case's head need not be checked out),
 * read through `git archive`, the same gzipped tar layout as GitHub's tarball.
 */
export async function indexCommit(
  deps: { db: Database; embedder: Embedder; log: Logger },
  options: { root: string; ignore: readonly string[]; maxFileBytes: number; commitSha: string },
): Promise<IndexReport> {
  const archive = await runGitBytes(
    ["archive", "--format=tar.gz", "--prefix=tree/", options.commitSha],
    { cwd: options.root },
  );
  return indexRepositoryArchive(
    { db: codeIndexDatabase(deps.db), embedder: deps.embedder, log: deps.log },
    LOCAL_SCOPE,
    readTarball(archive),
    { ignore: options.ignore, maxFileBytes: options.maxFileBytes, commitSha: options.commitSha },
  );
}

async function* readEntries(root: string, paths: string[]): AsyncGenerator<ArchiveEntry> {
  for (const relative of paths) {
    const absolute = path.join(root, relative);
    // A tracked file deleted in the working tree is simply not indexed.
    const stats = await lstat(absolute).catch(() => null);
    if (stats === null) continue;
    if (stats.isSymbolicLink()) yield { kind: "symlink", path: relative };
    else if (stats.isFile()) {
      yield {
        kind: "file",
        path: relative,
        size: stats.size,
        read: () => readFile(absolute),
        skip: () => {},
      };
    } else yield { kind: "other", path: relative };
  }
}
