/**
 * Retrieval quality (issue 4, benchmark 3; issue 11's benchmark). Run: `node bench/retrieval-quality-bench.ts`,
 * one change: `--case zod-4.6.0` (repeatable), one split: `--split held-back`, what was packed and
 * what was missed listed: `--misses`.
 *
 * The changes are releases of npm packages (bench/retrieval/cases.json), fetched at run time with
 * `npm pack` into a cache outside the repository (REVUE_BENCH_CACHE, default ~/.cache/revue-bench).
 * For each change the old release's sources (tests left out) are indexed with Revue's indexer into
 * a fresh PGlite with the local embedder. Ground truth comes from the compiler: TypeScript and
 * JavaScript, the TypeScript compiler (typescript-definitions.ts); Python, Python's `ast` with
 * import resolution (python-definitions.py), not a language server.
 *
 * 1. The whole change as one pull request (measureChange), the figure issue 11 asks for: every
 *    modified and added source file, context retrieved and packed into the review's context budget
 *    exactly as the review's context provider does. Recall: the share of the definitions the added
 *    lines use, declared in the old release in files the change does not touch, that a packed chunk
 *    covers. Precision: the share of packed tokens that are such definitions or callers of what the
 *    change edits. Baseline: grep of the added lines' identifiers over the index's chunks, most hits
 *    first, packed into the same budget.
 * 2. Per hunk, the older and stricter unit: the definitions a hunk's added lines use outside the
 *    hunk (same file included), found when one of the top-k retrieved chunks covers the declaring
 *    line; recall in the top 5 and top 10 for vector search, full-text, symbols, Revue's fused
 *    result, and two grep baselines (grep-baseline.ts): the top-k files by hits (generous: a file
 *    counts whole) and the top-k chunks by hits.
 *
 * A split's figure (tune / held-back, fixed in cases.json) is the mean of its changes' figures;
 * changes without ground truth are left out of the mean.
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
import type { FileDiff } from "../src/diff/format-diff.ts";
import {
  DEFAULT_FUSION_WEIGHTS,
  retrieveContext,
} from "../src/context/create-code-context-provider.ts";
import { fuseRankings } from "../src/context/fuse-rankings.ts";
import { createFileGraphCache } from "../src/code-index/read-file-graph.ts";
import { readDiffNames } from "../src/context/read-diff-names.ts";
import { packContext, type ContextChunk } from "../src/context/pack-context.ts";
import { estimateTokens } from "../src/model/estimate-tokens.ts";
import { CONTEXT_SHARE } from "../src/review/steps/collect-context.ts";
import { readConfig } from "../src/config/read-config.ts";
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

/** The whole change reviewed as one pull request, through the context budget (see measureChange). */
type ChangeResult = {
  /** Files the change modifies, adds, removes. */
  modified: number;
  added: number;
  removed: number;
  /** Distinct definitions the change's added lines use, in files it does not touch. */
  truths: number;
  /** Lines of untouched files that use a definition the change edits (callers). */
  callerLines: number;
  budgetTokens: number;
  /** How long Revue's retrieval of the whole change took. */
  retrievalMs: number;
  revue: PackedScore;
  grep: PackedScore;
};

/** What one method put in the context budget: truths found, and the share of its tokens that matter. */
type PackedScore = { found: number; chunks: number; tokens: number; usefulTokens: number };

type CaseResult = {
  change: ChangeResult;
  /** How long each hunk's retrieval took. */
  hunkRetrievalMs: number[];
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
  const newSet = new Set(newFiles);
  const added = newFiles.filter((path) => !oldSet.has(path));
  const removed = oldFiles.filter((path) => !newSet.has(path));

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
    const after = readDefinitions(benchCase, newRoot, newFiles, [...modified, ...added]);
    const change = await measureChange(db, embedder, scope, {
      oldRoot,
      newRoot,
      modified,
      added,
      removed,
      before,
      after,
      chunks,
      showMisses,
      usesIn: (files) => readDefinitions(benchCase, oldRoot, oldFiles, files).uses,
    });

    const found: Record<string, number> = {};
    let truths = 0;
    let addedByChange = 0;
    let hunks = 0;
    let hunksWithTruth = 0;
    const hunkRetrievalMs: number[] = [];
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

        const hunkStarted = performance.now();
        const retrieved = await retrieveContext(
          db,
          embedder,
          scope,
          readDiffNames([{ path, status: "modified", hunks: [hunk] }]),
          {
            weights: process.env.BENCH_WEIGHTS ? JSON.parse(process.env.BENCH_WEIGHTS) : undefined,
            graphCache,
          },
        );
        hunkRetrievalMs.push(performance.now() - hunkStarted);
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
      change,
      hunkRetrievalMs,
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

/** The file graph kept between retrievals, as the review's context provider keeps it. */
const graphCache = createFileGraphCache();

type IndexedChunk = {
  id: number;
  path: string;
  start_line: number;
  end_line: number;
  content: string;
  words: Map<string, number>;
};

/**
 * The change as a reviewer gets it: one pull request holding every modified and added source file,
 * its context retrieved by Revue's own steps (readDiffNames, retrieveContext) and packed into the
 * review's context budget (REVUE_MAX_PROMPT_TOKENS's default times CONTEXT_SHARE) by packContext,
 * as the review's context provider does. The baseline greps the identifiers of every added line
 * over the index's chunks (minus those the diff shows), most hits first, packed into the same
 * budget. Ground truth (the definition): the distinct definitions the added lines use, per
 * the compiler, declared in the old release in a file the change does not touch. Recall: the share
 * of them whose declaring line a packed chunk covers. Precision: the share of packed tokens in
 * chunks that cover a ground-truth definition or a caller, a line of an untouched file using a
 * definition the change edits (one whose declaring line lies in a hunk's old-side range).
 */
async function measureChange(
  db: CodeIndexDatabase,
  embedder: ReturnType<typeof createLocalEmbedder>,
  scope: RepositoryScope,
  input: {
    oldRoot: string;
    newRoot: string;
    modified: string[];
    added: string[];
    removed: string[];
    before: TreeDefinitions;
    after: TreeDefinitions;
    chunks: IndexedChunk[];
    showMisses: boolean;
    /** The old release's uses in `files` (the compiler's, so asked only where they can matter). */
    usesIn: (files: string[]) => TreeDefinitions["uses"];
  },
): Promise<ChangeResult> {
  const { before, after } = input;
  const touched = new Set([...input.modified, ...input.added, ...input.removed]);
  const diffs: FileDiff[] = [
    ...input.modified.map((path) => ({
      path,
      status: "modified" as const,
      hunks: parsePatch(patchOf(join(input.oldRoot, path), join(input.newRoot, path))),
    })),
    ...input.added.map((path) => ({
      path,
      status: "added" as const,
      hunks: parsePatch(patchOf("/dev/null", join(input.newRoot, path))),
    })),
  ];

  const truth = new Map<string, { path: string; lines: number[] }>();
  const addedLines: string[] = [];
  for (const diff of diffs) {
    const usesByLine = after.uses.get(diff.path) ?? new Map();
    for (const hunk of diff.hunks) {
      for (const line of hunk.lines) {
        if (line.kind !== "add") continue;
        addedLines.push(line.text);
        for (const use of usesByLine.get(line.newLine!) ?? []) {
          const oldLines = before.declared.get(use.key);
          if (!touched.has(use.path) && oldLines)
            truth.set(use.key, { path: use.path, lines: oldLines });
        }
      }
    }
  }

  // What the diff shows of the old release: hunks' old-side ranges, removed files whole.
  const shownRanges = new Map<string, [number, number][]>();
  for (const diff of diffs)
    if (diff.status === "modified")
      shownRanges.set(
        diff.path,
        diff.hunks.map((hunk) => [hunk.oldStart, hunk.oldStart + Math.max(hunk.oldLines, 1) - 1]),
      );
  const removedSet = new Set(input.removed);
  const shown = (chunk: { path: string; start_line: number; end_line: number }) =>
    removedSet.has(chunk.path) ||
    (shownRanges.get(chunk.path) ?? []).some(
      ([start, end]) => chunk.start_line <= end && chunk.end_line >= start,
    );

  // Definitions the change edits, and the lines of untouched files that use them.
  const edited = new Set<string>();
  for (const [key, lines] of before.declared) {
    const path = key.slice(0, key.lastIndexOf("#"));
    if (removedSet.has(path)) edited.add(key);
    const ranges = shownRanges.get(path) ?? [];
    if (lines.some((line) => ranges.some(([start, end]) => start <= line && line <= end)))
      edited.add(key);
  }
  // Only untouched files whose text names an edited definition can call one.
  const editedNames = new Set([...edited].map((key) => key.slice(key.lastIndexOf("#") + 1)));
  const mentioning = new Set(
    input.chunks
      .filter((chunk) => !touched.has(chunk.path))
      .filter((chunk) => [...chunk.words.keys()].some((word) => editedNames.has(word)))
      .map((chunk) => chunk.path),
  );
  const callerLines = new Map<string, number[]>();
  const uses: TreeDefinitions["uses"] =
    mentioning.size > 0 ? input.usesIn([...mentioning]) : new Map();
  for (const [path, byLine] of uses) {
    for (const [line, lineUses] of byLine)
      if (lineUses.some((use) => edited.has(use.key)))
        callerLines.set(path, [...(callerLines.get(path) ?? []), line]);
  }

  const covers = (chunk: ContextChunk, path: string, lines: number[]) =>
    chunk.path === path && lines.some((line) => chunk.startLine <= line && line <= chunk.endLine);
  const score = (used: ContextChunk[]): PackedScore => {
    let found = 0;
    for (const definition of truth.values())
      if (used.some((chunk) => covers(chunk, definition.path, definition.lines))) found += 1;
    let tokens = 0;
    let usefulTokens = 0;
    for (const chunk of used) {
      const cost = estimateTokens(chunk.content);
      tokens += cost;
      const useful =
        [...truth.values()].some((definition) =>
          covers(chunk, definition.path, definition.lines),
        ) || covers(chunk, chunk.path, callerLines.get(chunk.path) ?? []);
      if (useful) usefulTokens += cost;
    }
    return { found, chunks: used.length, tokens, usefulTokens };
  };

  const budgetTokens = Math.floor(
    readConfig({ NODE_ENV: "test" }).model.maxPromptTokens * CONTEXT_SHARE,
  );
  const retrievalStarted = performance.now();
  const retrieved = await retrieveContext(db, embedder, scope, readDiffNames(diffs), {
    graphCache,
  });
  const retrievalMs = performance.now() - retrievalStarted;
  const revue = packContext(
    retrieved.chunks.map((chunk) => ({
      path: chunk.path,
      startLine: chunk.start_line,
      endLine: chunk.end_line,
      content: chunk.content,
      reason: chunk.reason,
    })),
    budgetTokens,
  );
  const grep = packContext(
    rankByHits(
      input.chunks.filter((chunk) => !shown(chunk)),
      diffIdentifiers(addedLines),
    ).map((chunk) => ({
      path: chunk.path,
      startLine: chunk.start_line,
      endLine: chunk.end_line,
      content: chunk.content,
    })),
    budgetTokens,
  );
  if (input.showMisses) {
    for (const chunk of revue.used)
      console.log(`    packed ${chunk.path}:${chunk.startLine}-${chunk.endLine} ${chunk.reason}`);
    for (const [key, definition] of truth)
      if (!revue.used.some((chunk) => covers(chunk, definition.path, definition.lines)))
        console.log(`    change miss ${key} (line ${definition.lines.join(", ")})`);
  }
  return {
    modified: input.modified.length,
    added: input.added.length,
    removed: input.removed.length,
    truths: truth.size,
    callerLines: [...callerLines.values()].reduce((sum, lines) => sum + lines.length, 0),
    budgetTokens,
    retrievalMs,
    revue: score(revue.used),
    grep: score(grep.used),
  };
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

/** Recall and precision of a packed context; NaN when there is nothing to measure. */
const ratio = (part: number, whole: number) => (whole === 0 ? Number.NaN : part / whole);

function printChangeTable(results: CaseResult[]) {
  const columns = ["files M/A/R", "truth", "callers", "Revue R", "Revue P", "grep R", "grep P"];
  const widths = [12, 5, 7, 7, 7, 7, 7];
  const cell = (v: number) => (Number.isNaN(v) ? "-" : v.toFixed(2));
  const line = (label: string, split: string, cells: string[]) =>
    console.log(
      [label.padEnd(22), split.padEnd(9)]
        .concat(cells.map((c, i) => c.padStart(widths[i]!)))
        .join(" "),
    );
  line("change", "split", columns);
  const figures = (c: ChangeResult) => [
    ratio(c.revue.found, c.truths),
    ratio(c.revue.usefulTokens, c.revue.tokens),
    ratio(c.grep.found, c.truths),
    ratio(c.grep.usefulTokens, c.grep.tokens),
  ];
  for (const { benchCase, change } of results) {
    const [rr, rp, gr, gp] = figures(change);
    const below = rr! < gr! ? "  below the baseline" : "";
    line(benchCase.id, benchCase.split, [
      `${change.modified}/${change.added}/${change.removed}`,
      String(change.truths),
      String(change.callerLines),
      cell(rr!),
      cell(rp!),
      cell(gr!),
      cell(gp!) + below,
    ]);
  }
  for (const split of ["tune", "held-back"] as const) {
    const measured = results.filter((r) => r.benchCase.split === split && r.change.truths > 0);
    if (measured.length === 0) continue;
    const mean = (i: number) =>
      measured.map((r) => figures(r.change)[i]!).filter((v) => !Number.isNaN(v));
    const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    line(`mean of ${measured.length} changes`, split, [
      "",
      String(measured.reduce((sum, r) => sum + r.change.truths, 0)),
      "",
      ...[0, 1, 2, 3].map((i) => cell(average(mean(i)))),
    ]);
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
      `${benchCase.id} (${benchCase.package} ${benchCase.old} -> ${benchCase.new}, ${benchCase.split}): ${result.files} files indexed in ${result.indexSeconds.toFixed(1)} s (${result.chunks} chunks, local embedder); ${result.hunks} hunks, ${result.hunksWithTruth} use ${result.truths} definitions that exist at the base (${result.addedByChange} uses of definitions the change adds left out); fused@10 ${recall(result, "fused@10").toFixed(2)}, grep-files@10 ${recall(result, "grep-files@10").toFixed(2)}; whole change: ${result.change.truths} definitions in untouched files, Revue ${result.change.revue.found} (${result.change.revue.chunks} chunks, ${result.change.revue.tokens} tokens), grep ${result.change.grep.found} (${result.change.grep.chunks} chunks, ${result.change.grep.tokens} tokens); retrieval: whole change ${result.change.retrievalMs.toFixed(0)} ms, median hunk ${median(result.hunkRetrievalMs).toFixed(0)} ms`,
    );
  }
  console.log(
    `\nthe whole change as one pull request, context packed into the review's budget (${results[0]!.change.budgetTokens} tokens): recall (R) of the definitions its added lines use in files it does not touch, and precision (P), the share of context tokens that are those definitions or callers of what it edits; grep: the baseline in the same budget`,
  );
  printChangeTable(results);
  console.log(
    "\nper hunk: recall of the definitions its added lines use outside the hunk (same file included), in the top 5 / top 10:",
  );
  printTable(results);
  await handle.close();
  console.log(`whole run ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
