/**
 * Retrieval quality (issue 4, benchmark 3; issue 11's benchmark). Run: `node bench/retrieval-quality-bench.ts`,
 * one change: `--case zod-4.6.0` (repeatable), one split: `--split held-back`, missed definitions
 * listed: `--misses`.
 *
 * The changes are releases of npm packages (bench/retrieval/cases.json), fetched at run time with
 * `npm pack` into a cache outside the repository (REVUE_BENCH_CACHE, default ~/.cache/revue-bench).
 * For each change the old release's sources (tests left out) are indexed with Revue's indexer into
 * a fresh PGlite with the local embedder. For every hunk of every modified source file, the ground
 * truth is the set of definitions the names on the hunk's added lines resolve to, in the package's
 * own sources, outside the hunk itself, and already defined in the old release (a definition the
 * change adds cannot be in the index). TypeScript and JavaScript: the TypeScript compiler
 * (typescript-definitions.ts). Python: Python's `ast` with import resolution
 * (python-definitions.py), not a language server.
 *
 * A definition counts as found in a top-k when one of the k retrieved chunks of its file covers
 * the line that declares it in the old release. Reported per change and per split (tune /
 * held-back): recall in the top 5 and top 10 for vector search, full-text, symbols (definitions
 * and references), Revue's fused result, and two grep baselines (grep-baseline.ts): the top-k
 * files by hits of the hunk's identifiers (found when the file is among them: files are larger
 * than chunks, so this one is generous), and the top-k index chunks by hits (the same unit as
 * Revue, without the chunks the hunk shows). A split's figure is the mean of its changes' recalls.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { migrateToLatest } from "../src/db/migrate.ts";
import { createPglite, openPglite } from "../src/db/open-database.ts";
import { createLocalEmbedder } from "../src/embeddings/local-embedder.ts";
import { codeIndexDatabase, type CodeIndexDatabase } from "../src/code-index/code-index-tables.ts";
import type { RepositoryScope } from "../src/code-index/code-index-store.ts";
import { indexRepositoryArchive } from "../src/indexing/index-repository.ts";
import { readTarball } from "../src/indexing/read-tarball.ts";
import { parsePatch } from "../src/diff/parse-patch.ts";
import {
  DEFAULT_FUSION_WEIGHTS,
  retrieveContext,
} from "../src/context/create-code-context-provider.ts";
import { fuseRankings } from "../src/context/fuse-rankings.ts";
import { readDiffNames } from "../src/context/read-diff-names.ts";
import { makeTarball } from "../test/helpers/make-tarball.ts";
import { silentLogger } from "../test/helpers/silent-logger.ts";
import { fetchNpmPackage } from "./retrieval/fetch-npm-package.ts";
import { countWords, diffIdentifiers, rankByHits } from "./retrieval/grep-baseline.ts";
import { listCaseSources, type CaseLanguage } from "./retrieval/list-case-sources.ts";
import { readPythonDefinitions } from "./retrieval/python-definitions.ts";
import type { TreeDefinitions } from "./retrieval/tree-definitions.ts";
import { readTypeScriptDefinitions } from "./retrieval/typescript-definitions.ts";

type BenchCase = {
  id: string;
  package: string;
  old: string;
  new: string;
  language: CaseLanguage;
  sources: string[];
  exclude: string[];
  pythonRoots?: string[];
  split: "tune" | "held-back";
};

const METHODS = ["vector", "full-text", "symbols", "fused", "grep-files", "grep-chunks"] as const;
type Method = (typeof METHODS)[number];
const KS = [5, 10] as const;

type CaseResult = {
  benchCase: BenchCase;
  files: number;
  chunks: number;
  indexSeconds: number;
  hunks: number;
  hunksWithTruth: number;
  truths: number;
  addedByChange: number;
  found: Record<string, number>;
};

function patchOf(oldPath: string, newPath: string): string {
  try {
    execFileSync("git", ["diff", "--no-index", "-U3", oldPath, newPath], { encoding: "utf8" });
    return "";
  } catch (error) {
    // git diff exits 1 when the files differ; the patch is on stdout.
    const out = (error as { stdout?: string }).stdout ?? "";
    return out.slice(out.indexOf("@@"));
  }
}

function readDefinitions(
  benchCase: BenchCase,
  root: string,
  files: string[],
  usesIn: string[] = [],
): TreeDefinitions {
  if (benchCase.language === "python") {
    return readPythonDefinitions(root, files, benchCase.pythonRoots ?? ["."], usesIn);
  }
  return readTypeScriptDefinitions(root, files, benchCase.language, usesIn);
}

/**
 * Indexes the change's old release under `scope` of `db` (one database for the whole run: each
 * change is its own repository) and measures every hunk of the change.
 */
async function measureCase(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  benchCase: BenchCase,
  showMisses: boolean,
): Promise<CaseResult> {
  const oldRoot = fetchNpmPackage(benchCase.package, benchCase.old);
  const newRoot = fetchNpmPackage(benchCase.package, benchCase.new);
  const list = (root: string) =>
    listCaseSources(root, benchCase.language, benchCase.sources, benchCase.exclude);
  const oldFiles = list(oldRoot);
  const newFiles = list(newRoot);
  const oldSet = new Set(oldFiles);
  const modified = newFiles.filter(
    (path) =>
      oldSet.has(path) &&
      readFileSync(join(oldRoot, path), "utf8") !== readFileSync(join(newRoot, path), "utf8"),
  );

  {
    const embedder = createLocalEmbedder();
    const archive = await makeTarball(
      "bench-package-0000000",
      oldFiles.map((path) => ({ path, content: readFileSync(join(oldRoot, path)) })),
    );
    const indexStarted = performance.now();
    const report = await indexRepositoryArchive(
      { db, embedder, log: silentLogger() },
      scope,
      readTarball(archive),
      { ignore: [], maxFileBytes: 1_000_000, commitSha: benchCase.old },
    );
    const indexSeconds = (performance.now() - indexStarted) / 1000;

    const chunks = (
      await db
        .selectFrom("code_chunks")
        .select(["id", "path", "start_line", "end_line", "content"])
        .where("installation_id", "=", scope.installationId)
        .where("repository_id", "=", scope.repositoryId)
        .orderBy("path")
        .orderBy("start_line")
        .execute()
    ).map((chunk) => ({ ...chunk, words: countWords(chunk.content) }));
    const chunkById = new Map(chunks.map((chunk) => [chunk.id, chunk]));
    const fileUnits = oldFiles.map((path) => ({
      path,
      words: countWords(readFileSync(join(oldRoot, path), "utf8")),
    }));

    const before = readDefinitions(benchCase, oldRoot, oldFiles);
    const after = readDefinitions(benchCase, newRoot, newFiles, modified);

    const found: Record<string, number> = {};
    let truths = 0;
    let addedByChange = 0;
    let hunks = 0;
    let hunksWithTruth = 0;
    for (const path of modified) {
      const usesByLine = after.uses.get(path) ?? new Map();
      for (const hunk of parsePatch(patchOf(join(oldRoot, path), join(newRoot, path)))) {
        hunks += 1;
        const added = hunk.lines.filter((line) => line.kind === "add");
        const truth = new Map<string, { path: string; lines: number[]; usedAt: number }>();
        for (const line of added) {
          for (const use of usesByLine.get(line.newLine!) ?? []) {
            const inHunk =
              use.path === path &&
              use.line >= hunk.newStart &&
              use.line < hunk.newStart + hunk.newLines;
            if (inHunk || truth.has(use.key)) continue;
            const oldLines = before.declared.get(use.key);
            if (!oldLines) {
              addedByChange += 1;
              continue;
            }
            truth.set(use.key, { path: use.path, lines: oldLines, usedAt: line.newLine! });
          }
        }
        if (truth.size === 0) continue;
        hunksWithTruth += 1;
        truths += truth.size;

        const retrieved = await retrieveContext(
          db,
          embedder,
          scope,
          readDiffNames([{ path, status: "modified", hunks: [hunk] }]),
          {
            weights: process.env.BENCH_WEIGHTS ? JSON.parse(process.env.BENCH_WEIGHTS) : undefined,
          },
        );
        const shownEnd = hunk.oldStart + Math.max(hunk.oldLines, 1) - 1;
        const shown = (chunk: { path: string; start_line: number; end_line: number }) =>
          chunk.path === path && chunk.start_line <= shownEnd && chunk.end_line >= hunk.oldStart;
        const identifiers = diffIdentifiers(added.map((line) => line.text));
        const chunkLists: Record<Exclude<Method, "grep-files">, number[]> = {
          vector: retrieved.rankings.similar,
          "full-text": retrieved.rankings.identifiers,
          symbols: fuseRankings([
            { ids: retrieved.rankings.definitions, weight: DEFAULT_FUSION_WEIGHTS.definitions },
            { ids: retrieved.rankings.references, weight: DEFAULT_FUSION_WEIGHTS.references },
          ]).map((fused) => fused.id),
          fused: retrieved.chunks.map((chunk) => chunk.id),
          "grep-chunks": rankByHits(
            chunks.filter((chunk) => !shown(chunk)),
            identifiers,
          )
            .slice(0, 10)
            .map((chunk) => chunk.id),
        };
        const grepFiles = rankByHits(fileUnits, identifiers).map((unit) => unit.path);

        for (const k of KS) {
          for (const method of METHODS) {
            let hits = 0;
            for (const [key, definition] of truth) {
              const hit =
                method === "grep-files"
                  ? grepFiles.slice(0, k).includes(definition.path)
                  : chunkLists[method].slice(0, k).some((id) => {
                      const chunk = chunkById.get(id)!;
                      return (
                        chunk.path === definition.path &&
                        definition.lines.some(
                          (line) => chunk.start_line <= line && line <= chunk.end_line,
                        )
                      );
                    });
              if (hit) hits += 1;
              else if (showMisses && method === "fused" && k === 10) {
                console.log(
                  `    miss ${benchCase.id} ${path}:${definition.usedAt} uses ${key} (declared at line ${definition.lines.join(", ")})`,
                );
              }
            }
            found[`${method}@${k}`] = (found[`${method}@${k}`] ?? 0) + hits;
          }
        }
      }
    }
    return {
      benchCase,
      files: oldFiles.length,
      chunks: report.totalChunks,
      indexSeconds,
      hunks,
      hunksWithTruth,
      truths,
      addedByChange,
      found,
    };
  }
}

function recall(result: CaseResult, key: string): number {
  return result.truths === 0 ? Number.NaN : (result.found[key] ?? 0) / result.truths;
}

function printTable(results: CaseResult[]) {
  const columns = METHODS.flatMap((method) => KS.map((k) => `${method}@${k}`));
  const header = ["change".padEnd(22), "split".padEnd(9), "truth".padStart(5)]
    .concat(columns.map((c) => c.padStart(c.length)))
    .join(" ");
  console.log(header);
  const row = (label: string, split: string, truth: string, values: number[]) =>
    console.log(
      [label.padEnd(22), split.padEnd(9), truth.padStart(5)]
        .concat(
          values.map((v, i) => (Number.isNaN(v) ? "-" : v.toFixed(2)).padStart(columns[i]!.length)),
        )
        .join(" "),
    );
  for (const result of results) {
    row(
      result.benchCase.id,
      result.benchCase.split,
      String(result.truths),
      columns.map((c) => recall(result, c)),
    );
  }
  for (const split of ["tune", "held-back"] as const) {
    const measured = results.filter((r) => r.benchCase.split === split && r.truths > 0);
    if (measured.length === 0) continue;
    row(
      `mean of ${measured.length} changes`,
      split,
      String(measured.reduce((sum, r) => sum + r.truths, 0)),
      columns.map((c) => measured.reduce((sum, r) => sum + recall(r, c), 0) / measured.length),
    );
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      case: { type: "string", multiple: true },
      split: { type: "string" },
      misses: { type: "boolean" },
    },
  });
  const all = (
    JSON.parse(readFileSync(new URL("./retrieval/cases.json", import.meta.url), "utf8")) as {
      cases: BenchCase[];
    }
  ).cases;
  const chosen = all.filter(
    (c) =>
      (!values.case || values.case.some((wanted) => c.id === wanted || c.id.startsWith(wanted))) &&
      (!values.split || c.split === values.split),
  );
  if (chosen.length === 0) {
    throw new Error(
      `no case matches --case ${values.case?.join(",")} --split ${values.split}; the cases are: ${all.map((c) => c.id).join(", ")}`,
    );
  }
  const started = performance.now();
  const handle = await openPglite(await createPglite(undefined));
  const migrated = await migrateToLatest(handle.db);
  if (migrated.error) throw migrated.error;
  const db = codeIndexDatabase(handle.db);
  const results: CaseResult[] = [];
  for (const benchCase of chosen) {
    const scope = { installationId: 1, repositoryId: all.indexOf(benchCase) + 1 };
    const result = await measureCase(db, scope, benchCase, values.misses ?? false);
    results.push(result);
    console.log(
      `${benchCase.id} (${benchCase.package} ${benchCase.old} -> ${benchCase.new}, ${benchCase.split}): ${result.files} files indexed in ${result.indexSeconds.toFixed(1)} s (${result.chunks} chunks, local embedder); ${result.hunks} hunks, ${result.hunksWithTruth} use ${result.truths} definitions that exist at the base (${result.addedByChange} uses of definitions the change adds left out); fused@10 ${recall(result, "fused@10").toFixed(2)}, grep-files@10 ${recall(result, "grep-files@10").toFixed(2)}`,
    );
  }
  console.log("\nrecall of the ground truth's definitions in the top 5 / top 10:");
  printTable(results);
  await handle.close();
  console.log(`whole run ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
