import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";
import { codeIndexDatabase } from "../../src/code-index/code-index-tables.ts";
import { indexRepositoryArchive } from "../../src/indexing/index-repository.ts";
import { readTarball } from "../../src/indexing/read-tarball.ts";
import type { FileDiff } from "../../src/diff/format-diff.ts";
import { parsePatch } from "../../src/diff/parse-patch.ts";
import {
  createCodeContextProvider,
  retrieveContext,
} from "../../src/context/create-code-context-provider.ts";
import { readDiffNames } from "../../src/context/read-diff-names.ts";
import {
  createFileGraphCache,
  readFileGraph,
  type FileEdge,
} from "../../src/code-index/read-file-graph.ts";
import { findImports } from "../../src/code-index/search-imports.ts";
import { makeTarball, type TarEntry } from "../helpers/make-tarball.ts";
import { reviewScope } from "../helpers/review-scope.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const log = silentLogger();
const REPO = { installationId: 1, repositoryId: 11 };

/**
 * src/pricing/discount.ts defines applyDiscount, which uses roundCents (src/money/round.ts), which
 * uses clampAmount (src/money/clamp.ts). src/cart/checkout.ts calls applyDiscount through the
 * pricing barrel; a test and a fixture call it too; a test helper is found by name. src/report/summary.ts is linked to none of it.
 */
function shop(): TarEntry[] {
  return [
    {
      path: "src/pricing/discount.ts",
      content: `import { roundCents } from "../money/round";\n\nexport function applyDiscount(total: number, percent: number): number {\n  const reduced = total - (total * percent) / 100;\n  return roundCents(reduced);\n}\n`,
    },
    { path: "src/pricing/index.ts", content: `export * from "./discount";\n` },
    {
      path: "src/money/round.ts",
      content: `import { clampAmount } from "./clamp";\n\nexport function roundCents(value: number): number {\n  return Math.round(clampAmount(value) * 100) / 100;\n}\n`,
    },
    {
      path: "src/money/clamp.ts",
      content: `export function clampAmount(value: number): number {\n  return Math.max(0, Math.min(value, 1_000_000));\n}\n`,
    },
    {
      path: "src/cart/checkout.ts",
      content: `import { applyDiscount } from "../pricing";\n\nexport function checkoutTotal(lines: number[], percent: number): number {\n  const total = lines.reduce((sum, line) => sum + line, 0);\n  return applyDiscount(total, percent);\n}\n`,
    },
    {
      path: "src/report/summary.ts",
      content: `export function summariseOrders(orders: string[]): string {\n  return orders.map((order) => order.trim()).join(", ");\n}\n`,
    },
    {
      path: "test/discount.test.ts",
      content: `import { applyDiscount } from "../src/pricing/discount";\nimport { SAMPLE_TOTALS } from "./fixtures/totals";\n\ntest("applyDiscount", () => {\n  for (const total of SAMPLE_TOTALS) expect(applyDiscount(total, 10)).toBeLessThan(total);\n});\n`,
    },
    {
      // A helper the test setup installs globally: found by name, not through an import.
      path: "test/helpers/cents.ts",
      content: `export function expectCents(value: number): void {\n  expect(Math.round(value * 100)).toBe(value * 100);\n}\n`,
    },
    {
      path: "test/fixtures/totals.ts",
      content: `import { applyDiscount } from "../../src/pricing/discount";\n\nexport const SAMPLE_TOTALS = [10, 20, 30];\nexport const DISCOUNTED = SAMPLE_TOTALS.map((total) => applyDiscount(total, 50));\n`,
    },
  ];
}

/** Changes applyDiscount's body: a percent above 100 is capped. */
function discountDiff(): FileDiff[] {
  const patch = [
    '@@ -3,4 +3,5 @@ import { roundCents } from "../money/round";',
    " export function applyDiscount(total: number, percent: number): number {",
    "-  const reduced = total - (total * percent) / 100;",
    "+  const capped = Math.min(percent, 100);",
    "+  const reduced = total - (total * capped) / 100;",
    "   return roundCents(reduced);",
    " }",
  ].join("\n");
  return [{ path: "src/pricing/discount.ts", status: "modified", hunks: parsePatch(patch) }];
}

describe.each(backends)("graph ranking and callers on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    await indexRepositoryArchive(
      { db: codeIndexDatabase(handle.db), embedder: createLocalEmbedder(), log },
      REPO,
      readTarball(await makeTarball("o-r-abc1234", shop())),
      { ignore: [], maxFileBytes: 50_000, commitSha: "abc" },
    );
  });
  afterEach(async () => {
    await handle.close();
  });

  const retrieve = (files: FileDiff[]) =>
    retrieveContext(
      codeIndexDatabase(handle.db),
      createLocalEmbedder(),
      REPO,
      readDiffNames(files),
    );

  it("puts the caller of a changed export, in another file, in the prompt with its reason", async () => {
    const provider = createCodeContextProvider({ db: handle.db, embedder: createLocalEmbedder() });
    const context = await provider(reviewScope(REPO, discountDiff(), { baseSha: "abc" }), 4000);
    expect(context.text).toContain(
      "### src/cart/checkout.ts:3-6 — caller of `applyDiscount` (src/pricing/discount.ts:3)",
    );
    expect(context.files).toContain("src/cart/checkout.ts");
  });

  it("ranks files by the graph from the change: what it uses, then what that uses, not unrelated code", async () => {
    const { rankings, chunks } = await retrieve(discountDiff());
    const pathOf = new Map(chunks.map((chunk) => [chunk.id, chunk.path]));
    const graphPaths = [...new Set(rankings.graph.map((id) => pathOf.get(id)))];
    expect(graphPaths.slice(0, 2)).toEqual(["src/money/round.ts", "src/money/clamp.ts"]);
    expect(graphPaths).not.toContain("src/report/summary.ts");
    expect(graphPaths.filter((path) => path?.startsWith("test/"))).toEqual([]);
  });

  it("keeps the file graph between reviews until the index changes, boosting the names each change uses", async () => {
    const db = codeIndexDatabase(handle.db);
    const cache = createFileGraphCache();
    const edge = (edges: FileEdge[]) =>
      edges.find((e) => e.from === "src/pricing/discount.ts" && e.to === "src/money/round.ts");
    const plain = edge(await readFileGraph(db, REPO, { mentioned: [], maxEdges: 100 }))!;
    const boosted = edge(
      await readFileGraph(db, REPO, {
        mentioned: ["roundCents"],
        maxEdges: 100,
        cache,
        version: "1",
      }),
    )!;
    expect(plain.names).toEqual(["roundCents"]);
    expect(boosted.weight).toBeCloseTo(plain.weight * 10, 9);

    const withGraph = (files: FileDiff[]) =>
      retrieveContext(db, createLocalEmbedder(), REPO, readDiffNames(files), { graphCache: cache });
    const graphPaths = async () => {
      const { rankings, chunks } = await withGraph(discountDiff());
      const pathOf = new Map(chunks.map((chunk) => [chunk.id, chunk.path]));
      return rankings.graph.map((id) => pathOf.get(id));
    };
    expect(await graphPaths()).not.toContain("src/money/format.ts");
    // A push: roundCents now formats through a new file. The next review's graph has it.
    await indexRepositoryArchive(
      { db, embedder: createLocalEmbedder(), log },
      REPO,
      readTarball(
        await makeTarball("o-r-def5678", [
          ...shop().filter((entry) => entry.path !== "src/money/round.ts"),
          {
            path: "src/money/round.ts",
            content: `import { clampAmount } from "./clamp";\nimport { formatCents } from "./format";\n\nexport function roundCents(value: number): number {\n  return formatCents(Math.round(clampAmount(value) * 100) / 100);\n}\n`,
          },
          {
            path: "src/money/format.ts",
            content: `export function formatCents(value: number): number {\n  return Number(value.toFixed(2));\n}\n`,
          },
        ]),
      ),
      { ignore: [], maxFileBytes: 50_000, commitSha: "def" },
    );
    expect(await graphPaths()).toContain("src/money/format.ts");
  });

  it("reads one installation's repository only: its graph, the boost, the kept graph and the imports", async () => {
    const db = codeIndexDatabase(handle.db);
    // Another installation's repository and another repository of REPO's installation, each with
    // REPO's files plus one that calls roundCents and imports round.ts as REPO's files do.
    const FOREIGN = { installationId: 2, repositoryId: 20 };
    const SIBLING = { installationId: REPO.installationId, repositoryId: 12 };
    const leak: TarEntry = {
      path: "src/leak/steal.ts",
      content: `import { roundCents } from "../money/round";\n\nexport function stealCents(value: number): number {\n  return roundCents(value) + roundCents(value);\n}\n`,
    };
    for (const scope of [FOREIGN, SIBLING]) {
      await indexRepositoryArchive(
        { db, embedder: createLocalEmbedder(), log },
        scope,
        readTarball(await makeTarball("o-x-abc1234", [...shop(), leak])),
        { ignore: [], maxFileBytes: 50_000, commitSha: "abc" },
      );
    }
    // Symbol rows whose tenant disagrees with their chunk's (a writer bug): REPO's reference on the
    // other repository's chunk, the other's reference on REPO's unrelated summary.ts. Neither may
    // add an edge to REPO's graph, whichever of the two tables' filters is dropped.
    type Scope = { installationId: number; repositoryId: number };
    const chunkOf = (scope: Scope, path: string) =>
      db
        .selectFrom("code_chunks")
        .select("id")
        .where("installation_id", "=", scope.installationId)
        .where("repository_id", "=", scope.repositoryId)
        .where("path", "=", path)
        .executeTakeFirstOrThrow();
    const reference = (scope: Scope, chunk: { id: number | string }) => ({
      chunk_id: Number(chunk.id),
      installation_id: scope.installationId,
      repository_id: scope.repositoryId,
      name: "clampAmount",
      role: "reference" as const,
    });
    // REPO's repository id under the other installation (a repository moved between
    // installations): FOREIGN's steal.ts chunk and its symbols, re-labelled.
    const CROSSED = { installationId: FOREIGN.installationId, repositoryId: REPO.repositoryId };
    const moved = await chunkOf(FOREIGN, "src/leak/steal.ts");
    for (const table of ["code_chunks", "code_symbols"] as const) {
      await db
        .updateTable(table)
        .set({ repository_id: CROSSED.repositoryId })
        .where(table === "code_chunks" ? "id" : "chunk_id", "=", Number(moved.id))
        .execute();
    }
    for (const other of [FOREIGN, SIBLING, CROSSED]) {
      await db
        .insertInto("code_symbols")
        .values([
          reference(REPO, await chunkOf(other, "src/leak/steal.ts")),
          reference(other, await chunkOf(REPO, "src/report/summary.ts")),
        ])
        .execute();
    }

    const cache = createFileGraphCache();
    const graph = (scope: Scope, mentioned: string[]) =>
      readFileGraph(db, scope, { mentioned, maxEdges: 100, cache, version: "1" });
    const own = await graph(REPO, ["roundCents", "clampAmount"]);
    expect(own.some((e) => e.from === "src/pricing/discount.ts")).toBe(true);
    const strays = own.filter(
      (e) => e.from.startsWith("src/leak/") || e.from === "src/report/summary.ts",
    );
    expect(strays).toEqual([]);
    // Kept graphs are per installation and repository, even at the same index version.
    expect((await graph(FOREIGN, [])).some((e) => e.from === "src/leak/steal.ts")).toBe(true);
    expect((await graph(CROSSED, [])).filter((e) => e.from !== "src/leak/steal.ts")).toEqual([]);
    expect(await graph({ installationId: REPO.installationId, repositoryId: 20 }, [])).toEqual([]);

    expect(await findImports(db, REPO, ["src/leak/steal.ts"])).toEqual([]);
    expect(await findImports(db, REPO, ["src/pricing/discount.ts"])).not.toEqual([]);
    expect(
      await findImports(db, { installationId: 2, repositoryId: REPO.repositoryId }, [
        "src/pricing/discount.ts",
      ]),
    ).toEqual([]);
  });

  it("ranks tests, fixtures and the diff's own file below definitions and callers", async () => {
    const { chunks } = await retrieve(discountDiff());
    const paths = chunks.map((chunk) => chunk.path);
    const firstSecondary = paths.findIndex(
      (path) => path.startsWith("test/") || path === "src/pricing/discount.ts",
    );
    expect(firstSecondary).toBeGreaterThan(paths.indexOf("src/money/round.ts"));
    expect(firstSecondary).toBeGreaterThan(paths.indexOf("src/cart/checkout.ts"));
    expect(paths.indexOf("src/money/round.ts")).toBeGreaterThanOrEqual(0);
    // Everything after the first test or fixture chunk is a test, a fixture or the diff's file.
    expect(
      paths
        .slice(firstSecondary)
        .every((path) => path.startsWith("test/") || path === "src/pricing/discount.ts"),
    ).toBe(true);
  });

  it("does not push tests and fixtures last when the change only touches tests", async () => {
    const patch = [
      '@@ -4,3 +4,4 @@ import { SAMPLE_TOTALS } from "./fixtures/totals";',
      ' test("applyDiscount", () => {',
      "   for (const total of SAMPLE_TOTALS) expect(applyDiscount(total, 10)).toBeLessThan(total);",
      "+  expectCents(DISCOUNTED[0]);",
      " });",
    ].join("\n");
    const { chunks } = await retrieve([
      { path: "test/discount.test.ts", status: "modified", hunks: parsePatch(patch) },
    ]);
    const paths = chunks.map((chunk) => chunk.path);
    const helper = paths.indexOf("test/helpers/cents.ts");
    expect(helper).toBeGreaterThanOrEqual(0);
    expect(helper).toBeLessThan(paths.indexOf("src/report/summary.ts"));
  });
});
