/**
 * Retrieval quality (issue 4, benchmark 3). Run: `node bench/retrieval-quality-bench.ts`.
 *
 * The change: zod 4.5.4 -> 4.6.0, as published on npm with its TypeScript sources (devDependencies
 * `bench-zod-old` and `bench-zod-new`). The index holds 4.5.4's `src/` (tests left out). For every
 * hunk of every modified source file, the ground truth is where the TypeScript compiler, run over
 * 4.6.0, says the names used on the hunk's added lines are declared (top-level declarations and
 * class or interface members in the package's own sources, outside the hunk itself), kept when
 * that declaration already existed in 4.5.4 (a definition added by the same change cannot be in
 * the index). A definition counts as found when a retrieved chunk of that file defines that name.
 * Reported: the share found in the top 5 and top 10 for vector search alone, full-text alone,
 * symbols alone (definitions + references from the symbol table) and the fused result.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { migrateToLatest } from "../src/db/migrate.ts";
import { createPglite, openPglite } from "../src/db/open-database.ts";
import { createLocalEmbedder } from "../src/embeddings/local-embedder.ts";
import { codeIndexDatabase } from "../src/code-index/code-index-tables.ts";
import { indexRepositoryArchive } from "../src/indexing/index-repository.ts";
import { readTarball } from "../src/indexing/read-tarball.ts";
import { parsePatch, type Hunk } from "../src/diff/parse-patch.ts";
import {
  DEFAULT_FUSION_WEIGHTS,
  retrieveContext,
} from "../src/context/create-code-context-provider.ts";
import { fuseRankings } from "../src/context/fuse-rankings.ts";
import { readDiffNames } from "../src/context/read-diff-names.ts";
import { makeTarball } from "../test/helpers/make-tarball.ts";
import { silentLogger } from "../test/helpers/silent-logger.ts";

const OLD = new URL("../node_modules/bench-zod-old/src/", import.meta.url).pathname;
const NEW = new URL("../node_modules/bench-zod-new/src/", import.meta.url).pathname;
const scope = { installationId: 1, repositoryId: 1 };

function sources(root: string, dir = root, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "tests" && name !== "locales") sources(root, path, out);
    } else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) {
      out.push(relative(root, path));
    }
  }
  return out;
}

function patchOf(path: string): string {
  try {
    execFileSync("git", ["diff", "--no-index", "-U3", join(OLD, path), join(NEW, path)], {
      encoding: "utf8",
    });
    return "";
  } catch (error) {
    // git diff exits 1 when the files differ; the patch is on stdout.
    const out = (error as { stdout?: string }).stdout ?? "";
    return out.slice(out.indexOf("@@"));
  }
}

/** Top-level declarations and class/interface members: what "where is X defined" means. */
function isDefinition(node: ts.Declaration): boolean {
  if (
    ts.isFunctionDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isEnumDeclaration(node) ||
    ts.isModuleDeclaration(node)
  ) {
    return true;
  }
  if (ts.isVariableDeclaration(node)) return ts.isSourceFile(node.parent.parent.parent);
  return (
    (ts.isMethodDeclaration(node) ||
      ts.isPropertyDeclaration(node) ||
      ts.isMethodSignature(node) ||
      ts.isPropertySignature(node)) &&
    (ts.isClassDeclaration(node.parent) || ts.isInterfaceDeclaration(node.parent))
  );
}

async function main() {
  const started = performance.now();
  const oldFiles = sources(OLD);
  const newFiles = sources(NEW);
  const oldSet = new Set(oldFiles);
  const modified = newFiles.filter(
    (path) =>
      oldSet.has(path) &&
      readFileSync(join(OLD, path), "utf8") !== readFileSync(join(NEW, path), "utf8"),
  );

  const pglite = await createPglite(undefined);
  const handle = await openPglite(pglite);
  const migrated = await migrateToLatest(handle.db);
  if (migrated.error) throw migrated.error;
  const db = codeIndexDatabase(handle.db);
  const embedder = createLocalEmbedder();
  const archive = await makeTarball(
    "colinhacks-zod-0000000",
    oldFiles.map((path) => ({ path, content: readFileSync(join(OLD, path)) })),
  );
  const report = await indexRepositoryArchive(
    { db, embedder, log: silentLogger() },
    scope,
    readTarball(archive),
    { ignore: [], maxFileBytes: 1_000_000, commitSha: "4.5.4" },
  );
  const symbolsOf = new Map<number, { path: string; symbols: string[] }>();
  for (const row of await db
    .selectFrom("code_chunks")
    .select(["id", "path", "symbols"])
    .execute()) {
    symbolsOf.set(row.id, { path: row.path, symbols: row.symbols });
  }
  const indexedDefinitions = new Set(
    [...symbolsOf.values()].flatMap((c) => c.symbols.map((s) => `${c.path}#${s.split(".").pop()}`)),
  );

  const program = ts.createProgram(
    newFiles.map((path) => join(NEW, path)),
    {
      noEmit: true,
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
    },
  );
  const checker = program.getTypeChecker();

  const ks = [5, 10] as const;
  const methods = ["vector", "full-text", "symbols", "fused"] as const;
  const found: Record<string, number> = {};
  let truths = 0;
  let excludedNew = 0;
  let hunksWithTruth = 0;
  let hunksTotal = 0;
  const latencies: number[] = [];

  for (const path of modified) {
    const hunks = parsePatch(patchOf(path));
    const sourceFile = program.getSourceFile(join(NEW, path));
    if (!sourceFile) continue;
    for (const hunk of hunks) {
      hunksTotal += 1;
      const truth = groundTruth(sourceFile, hunk, path);
      const present = [...truth].filter((key) => indexedDefinitions.has(key));
      excludedNew += truth.size - present.length;
      if (present.length === 0) continue;
      hunksWithTruth += 1;
      truths += present.length;
      const t = performance.now();
      const retrieved = await retrieveContext(
        db,
        embedder,
        scope,
        readDiffNames([{ path, status: "modified", hunks: [hunk] }]),
        { weights: process.env.BENCH_WEIGHTS ? JSON.parse(process.env.BENCH_WEIGHTS) : undefined },
      );
      latencies.push(performance.now() - t);
      const lists: Record<(typeof methods)[number], number[]> = {
        vector: retrieved.rankings.similar,
        "full-text": retrieved.rankings.identifiers,
        symbols: fuseRankings([
          { ids: retrieved.rankings.definitions, weight: DEFAULT_FUSION_WEIGHTS.definitions },
          { ids: retrieved.rankings.references, weight: DEFAULT_FUSION_WEIGHTS.references },
        ]).map((f) => f.id),
        fused: retrieved.chunks.map((c) => c.id),
      };
      for (const method of methods) {
        for (const k of ks) {
          const keys = new Set(
            lists[method].slice(0, k).flatMap((id) => {
              const chunk = symbolsOf.get(id)!;
              return chunk.symbols.map((s) => `${chunk.path}#${s.split(".").pop()}`);
            }),
          );
          found[`${method}@${k}`] =
            (found[`${method}@${k}`] ?? 0) + present.filter((key) => keys.has(key)).length;
        }
      }
    }
  }

  console.log(
    `zod 4.5.4 -> 4.6.0: ${oldFiles.length} source files indexed (${report.totalChunks} chunks, local embedder), ${modified.length} modified files, ${hunksTotal} hunks; ${hunksWithTruth} hunks use ${truths} definitions that exist at the base (${excludedNew} more were added by the change itself and are left out)`,
  );
  console.log("share of the compiler's definitions found in the retrieved context:");
  for (const method of methods) {
    console.log(
      `  ${method.padEnd(10)} @5 ${((found[`${method}@5`] ?? 0) / truths).toFixed(3)}   @10 ${((found[`${method}@10`] ?? 0) / truths).toFixed(3)}`,
    );
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `retrieval per hunk (PGlite, all four retrievers + fusion): p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms; whole run ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await handle.close();

  /** (path#name) of the package definitions the hunk's added lines refer to, outside the hunk. */
  function groundTruth(sourceFile: ts.SourceFile, hunk: Hunk, path: string): Set<string> {
    const added = new Set(hunk.lines.filter((l) => l.kind === "add").map((l) => l.newLine! - 1));
    const out = new Set<string>();
    const visit = (node: ts.Node) => {
      if (ts.isIdentifier(node)) {
        const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
        if (added.has(line)) {
          let symbol = checker.getSymbolAtLocation(node);
          if (symbol && symbol.flags & ts.SymbolFlags.Alias)
            symbol = checker.getAliasedSymbol(symbol);
          for (const declaration of symbol?.declarations ?? []) {
            const file = declaration.getSourceFile();
            if (!file.fileName.startsWith(NEW) || !isDefinition(declaration)) continue;
            const declPath = relative(NEW, file.fileName);
            const declLine =
              file.getLineAndCharacterOfPosition(declaration.getStart(file)).line + 1;
            if (
              declPath === path &&
              declLine >= hunk.newStart &&
              declLine < hunk.newStart + hunk.newLines
            ) {
              continue;
            }
            out.add(`${declPath}#${symbol!.name}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return out;
  }
}

await main();
