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
import { makeTarball, type TarEntry } from "../helpers/make-tarball.ts";
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
    const context = await provider(
      {
        ...REPO,
        owner: "o",
        repo: "r",
        pullNumber: 1,
        author: "a",
        baseSha: "abc",
        headSha: "h",
        files: discountDiff(),
        log,
      },
      4000,
    );
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
