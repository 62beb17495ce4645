import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import { loadRepoConfig } from "../repo-config/load-repo-config.ts";
import { statusOf, type Octokit } from "../github/github-types.ts";
import { compareCommits } from "../github/compare-commits.ts";
import { readRepositoryFile } from "../github/read-repository-file.ts";
import type { JobHandler } from "../queue/jobs.ts";
import { codeIndexDatabase } from "../code-index/code-index-tables.ts";
import { readIndexState } from "../code-index/code-index-store.ts";
import {
  indexChangedFiles,
  indexRepositoryArchive,
  type ChangedFileContent,
  type IndexReport,
} from "./index-repository.ts";
import { readTarball } from "./read-tarball.ts";

/** Beyond this many changed files, a push is indexed from the archive (one request) instead. */
const MAX_INCREMENTAL_FILES = 100;

export type IndexJobDependencies = {
  config: Config;
  db: Database;
  log: Logger;
  embedder: Embedder;
  /** An Octokit authenticated as the installation. */
  auth(installationId: number): Promise<Octokit>;
};

/**
 * The worker side of `index-repository`: reads the default branch's head, then
 * - nothing, when the index is already at that commit with the current model;
 * - an incremental update from the compare API, when the index is behind by at most
 *   MAX_INCREMENTAL_FILES files (each changed file read with one request);
 * - a full index from the tarball otherwise (first index, new model, force-push, big change).
 * An empty repository (no branch) records an empty index. Safe to retry: every write is keyed by
 * path and content hash.
 */
export function createIndexJobHandler(deps: IndexJobDependencies): JobHandler<"index-repository"> {
  return async (job, context) => {
    const result = await indexRepositoryJob(deps, job, context.log, context.signal);
    context.log.info({ ...result }, "index job done");
  };
}

export async function indexRepositoryJob(
  deps: IndexJobDependencies,
  job: Parameters<JobHandler<"index-repository">>[0],
  log: Logger,
  signal?: AbortSignal,
): Promise<IndexReport | { mode: "up to date" | "empty repository" }> {
  const octokit = await deps.auth(job.installationId);
  const repo = { owner: job.owner, repo: job.repo };
  const scope = { installationId: job.installationId, repositoryId: job.repositoryId };
  const db = codeIndexDatabase(deps.db);
  const indexDeps = { db, embedder: deps.embedder, log, signal };

  let headSha: string;
  try {
    const branch = job.defaultBranch ?? (await octokit.rest.repos.get(repo)).data.default_branch;
    headSha = (await octokit.rest.repos.getBranch({ ...repo, branch })).data.commit.sha;
  } catch (error) {
    // An empty repository has no branch (404) and its tarball is a 404 too.
    if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
    const report = await indexChangedFiles(indexDeps, scope, [], {
      ignore: [],
      maxFileBytes: deps.config.index.maxFileBytes,
      commitSha: null,
    });
    log.info({ ...report }, "repository has no default branch yet: empty index");
    return { mode: "empty repository" };
  }

  const state = await readIndexState(db, scope);
  if (state?.embedding_model === deps.embedder.model && state.commit_sha === headSha) {
    return { mode: "up to date" };
  }
  const { config: repoConfig } = await loadRepoConfig(octokit, repo, headSha);
  const options = {
    ignore: repoConfig.ignore,
    maxFileBytes: deps.config.index.maxFileBytes,
    commitSha: headSha,
  };

  if (state?.commit_sha && state.embedding_model === deps.embedder.model) {
    const changes = await readChanges(octokit, repo, state.commit_sha, headSha);
    if (changes) {
      return indexChangedFiles(indexDeps, scope, changes, options);
    }
  }
  const response = await octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", {
    ...repo,
    ref: headSha,
    request: { parseSuccessResponseBody: false },
  });
  const body = response.data as unknown as ReadableStream<Uint8Array> | Buffer;
  return indexRepositoryArchive(indexDeps, scope, readTarball(body), options);
}

/**
 * The files that changed between two commits, with their new content (null: removed; a rename is
 * a removal and an addition, and the addition reuses the embeddings by content hash). Null when the
 * comparison is unavailable (force-push) or too large: the caller indexes the archive instead.
 */
async function readChanges(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  from: string,
  to: string,
): Promise<ChangedFileContent[] | null> {
  const comparison = await compareCommits(octokit, repo, from, to);
  if (comparison === null || comparison.status !== "ahead") return null;
  const files = comparison.files;
  if (files.length === 0 || files.length > MAX_INCREMENTAL_FILES)
    return files.length === 0 ? [] : null;
  const changes: ChangedFileContent[] = [];
  for (const file of files) {
    if (file.previous_filename)
      changes.push({ path: file.previous_filename, content: null, size: 0 });
    if (file.status === "removed") {
      changes.push({ path: file.filename, content: null, size: 0 });
      continue;
    }
    // Null when it is not a regular file there (symlink, submodule, gone). Files over 1 MB come
    // back without content; the size alone lets the size cap skip them.
    const content = await readRepositoryFile(octokit, repo, file.filename, to);
    changes.push({
      path: file.filename,
      content: content?.bytes ?? null,
      size: content?.size ?? 0,
    });
  }
  return changes;
}
