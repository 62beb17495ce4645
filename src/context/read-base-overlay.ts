import { compareCommits } from "../github/compare-commits.ts";
import type { Octokit, RepoRef } from "../github/github-types.ts";
import { readRepositoryFile } from "../github/read-repository-file.ts";

/** A chunk of a file read at the pull request's base, cut as indexing cuts it. */
export type BaseChunk = {
  path: string;
  startLine: number;
  endLine: number;
  content: string;
  symbols: string[];
};

/** Cuts a file's text into chunks the way indexing does (given by the composition root). */
export type ChunkFile = (path: string, text: string) => Promise<BaseChunk[]>;

export type BaseOverlay = {
  /** Paths whose indexed chunks are stale for this review: differ between the index and the base. */
  stalePaths: Set<string>;
  /** The stale files' chunks as they are at the base (none for a file the base removed). */
  chunks: BaseChunk[];
  /** Set when the context could not be brought to the base: says which commit it reflects. */
  note: string | null;
};

/** Files read at the base at most; beyond, the context stays at the index's commit and says so. */
export const MAX_BASE_FILES = 30;

/**
 * What the review's context must change to show the pull request's base rather than the commit the
 * index holds: the files that differ between them (compare API), read at the base (contents API)
 * and chunked. Null when the index already holds the base. Beyond `maxFiles` differing files (or
 * when GitHub no longer knows the indexed commit), nothing is read and `note` names the commit the
 * context reflects. One compare request and at most `maxFiles` content requests; throws GitHub's
 * errors other than 404.
 */
export async function readBaseOverlay(
  deps: { octokit: Octokit; chunkFile: ChunkFile },
  repo: RepoRef,
  commits: { indexed: string; base: string },
  maxFiles = MAX_BASE_FILES,
): Promise<BaseOverlay | null> {
  const { indexed, base } = commits;
  if (indexed === base) return null;
  const reflects = (why: string): BaseOverlay => ({
    stalePaths: new Set(),
    chunks: [],
    note: `Repository context reflects commit ${indexed.slice(0, 7)} (the index), not the pull request's base ${base.slice(0, 7)}: ${why}.`,
  });
  const comparison = await compareCommits(deps.octokit, repo, indexed, base);
  if (comparison === null) return reflects("GitHub does not know one of the two commits");
  if (comparison.status === "identical") return null;
  // The compare API lists at most 300 files: a list that long may be cut short.
  if (comparison.files.length > maxFiles || comparison.files.length >= 300) {
    return reflects(`${comparison.files.length} files differ, more than the ${maxFiles} read`);
  }
  const stalePaths = new Set<string>();
  const chunks: BaseChunk[] = [];
  for (const file of comparison.files) {
    stalePaths.add(file.filename);
    if (file.previous_filename) stalePaths.add(file.previous_filename);
    if (file.status === "removed") continue;
    const read = await readRepositoryFile(deps.octokit, repo, file.filename, base);
    if (read === null || read.bytes.length === 0) continue;
    chunks.push(...(await deps.chunkFile(file.filename, read.bytes.toString("utf8"))));
  }
  return { stalePaths, chunks, note: null };
}

/**
 * `chunks` (retrieved from the index, best first) brought to the base: chunks of stale files
 * dropped, and the base's chunks that define a name the diff uses put first, each with a reason
 * naming the use and the base commit. The base's chunks of the diff's own files are left out: the
 * diff shows them. Pure.
 */
export function applyBaseOverlay<Chunk extends { path: string; reason?: string }>(
  chunks: Chunk[],
  overlay: BaseOverlay,
  uses: { name: string; path: string; line: number }[],
  changedPaths: ReadonlySet<string>,
  baseSha: string,
): (Chunk | (BaseChunk & { reason: string }))[] {
  const kept = chunks.filter((chunk) => !overlay.stalePaths.has(chunk.path));
  const candidates = overlay.chunks.filter((chunk) => !changedPaths.has(chunk.path));
  const definitions: (BaseChunk & { reason: string })[] = [];
  const taken = new Set<BaseChunk>();
  for (const use of uses) {
    for (const chunk of candidates) {
      if (taken.has(chunk) || chunk.path === use.path || !chunk.symbols.includes(use.name))
        continue;
      taken.add(chunk);
      definitions.push({
        ...chunk,
        reason: `definition of \`${use.name}\` used at ${use.path}:${use.line} (read at the base ${baseSha.slice(0, 7)})`,
      });
    }
  }
  return [...definitions, ...kept];
}
