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
import { makeTarball, type TarEntry } from "../helpers/make-tarball.ts";
import { reviewScope } from "../helpers/review-scope.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import { countingEmbedder, fixtureEntries } from "../indexing/fixture-repository.ts";

const log = silentLogger();
const REPO = { installationId: 1, repositoryId: 10 };
/** Another repository of the same installation, and a repository of another installation. */
const SIBLING = { installationId: 1, repositoryId: 11 };
const FOREIGN = { installationId: 2, repositoryId: 20 };

/** A PR that changes addTax's body and adds a caller of roundCents. */
function mathDiff(): FileDiff[] {
  const patch = [
    "@@ -1,4 +1,4 @@",
    " /** Adds the tax rate to a net price. */",
    " export function addTax(net: number, rate: number): number {",
    "-  return roundCents(net * (1 + rate));",
    "+  return roundCents(net + net * rate);",
    " }",
  ].join("\n");
  const added = [
    "@@ -0,0 +1,3 @@",
    "+export function shipping(weight: number): number {",
    "+  return roundCents(weight * 1.5);",
    "+}",
  ].join("\n");
  return [
    { path: "src/math.ts", status: "modified", hunks: parsePatch(patch) },
    { path: "src/shipping.ts", status: "added", hunks: parsePatch(added) },
  ];
}

async function index(
  db: ReturnType<typeof codeIndexDatabase>,
  scope: typeof REPO,
  entries: TarEntry[],
  embedder = createLocalEmbedder(),
) {
  const archive = await makeTarball("o-r-abc1234", entries);
  return indexRepositoryArchive({ db, embedder, log }, scope, readTarball(archive), {
    ignore: [],
    maxFileBytes: 50_000,
    commitSha: "abc",
  });
}

describe.each(backends)("codebase retrieval on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: ReturnType<typeof codeIndexDatabase>;

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    db = codeIndexDatabase(handle.db);
  });
  afterEach(async () => {
    await handle.close();
  });

  it("finds the definitions a change uses and the callers of what it modifies, minus the diff", async () => {
    await index(db, REPO, fixtureEntries());
    const retrieved = await retrieveContext(
      db,
      createLocalEmbedder(),
      REPO,
      readDiffNames(mathDiff()),
    );
    const byId = new Map(retrieved.chunks.map((c) => [c.id, c]));
    const describeIds = (ids: number[]) => ids.map((id) => byId.get(id)?.path ?? "?");

    // roundCents is used by the change: its definition (math.ts, below the hunk) is found.
    const definitions = retrieved.rankings.definitions.map((id) =>
      retrieved.chunks.find((c) => c.id === id),
    );
    expect(definitions.some((c) => c?.content.includes("export function roundCents"))).toBe(true);
    // addTax is modified: its caller Checkout.total is found.
    expect(describeIds(retrieved.rankings.references)).toContain("src/checkout.ts");
    expect(retrieved.chunks.some((c) => c.content.includes("addTax(price, rate)"))).toBe(true);
    // The hunk itself (addTax's definition, lines 1-4 of the old math.ts) is not repeated.
    expect(retrieved.chunks.some((c) => c.content.includes("function addTax"))).toBe(false);
    // Full-text and vector search contribute.
    expect(retrieved.rankings.identifiers.length).toBeGreaterThan(0);
    expect(retrieved.rankings.similar.length).toBeGreaterThan(0);
  });

  it("never returns another repository's or installation's chunks, through any path", async () => {
    const secret = (tag: string): TarEntry[] => [
      {
        path: `src/${tag}.ts`,
        content: `export function roundCents(value: number): number {\n  return ${tag}(value);\n}\n\nexport function ${tag}Total(): number {\n  return addTax(1, 2) + roundCents(3);\n}\n`,
      },
    ];
    await index(db, REPO, fixtureEntries());
    await index(db, SIBLING, secret("sibling"));
    // The foreign installation indexes the very same files as REPO: the embedding cache is per
    // installation, so it embeds them itself rather than reading REPO's rows.
    const foreignEmbedder = countingEmbedder();
    await index(db, FOREIGN, [...fixtureEntries(), ...secret("foreign")], foreignEmbedder);
    expect(foreignEmbedder.texts.some((t) => t.includes("export function addTax"))).toBe(true);

    const retrieved = await retrieveContext(
      db,
      createLocalEmbedder(),
      REPO,
      readDiffNames(mathDiff()),
    );
    const ids = Object.values(retrieved.rankings).flat();
    const rows = await db
      .selectFrom("code_chunks")
      .select(["installation_id", "repository_id"])
      .where("id", "in", ids)
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.installation_id === 1 && r.repository_id === 10)).toBe(true);
    expect(retrieved.chunks.some((c) => /sibling|foreign/.test(c.content))).toBe(false);

    // A repository id paired with the wrong installation finds nothing.
    const crossed = await retrieveContext(
      db,
      createLocalEmbedder(),
      { installationId: 2, repositoryId: 10 },
      readDiffNames(mathDiff()),
    );
    expect(crossed.chunks).toEqual([]);
  });

  it("brings every definition a large change uses when the budget holds them, not the first 20 or 40", async () => {
    const helpers = Array.from({ length: 45 }, (_, i) => `helper${i}`);
    await index(
      db,
      REPO,
      helpers.map((name) => ({
        path: `src/helpers/${name}.ts`,
        content: `export function ${name}(value: number): number {\n  return value + ${name.length};\n}\n`,
      })),
    );
    // A new file calling every helper without importing it: each is matched by name.
    const added = [
      `@@ -0,0 +1,${helpers.length} @@`,
      ...helpers.map((name, i) => `+export const v${i} = ${name}(${i});`),
    ];
    const provider = createCodeContextProvider({ db: handle.db, embedder: createLocalEmbedder() });
    const context = await provider(
      reviewScope(REPO, [
        { path: "src/all.ts", status: "added", hunks: parsePatch(added.join("\n")) },
      ]),
      15_000,
    );
    for (const name of helpers) expect(context.files, name).toContain(`src/helpers/${name}.ts`);
  });

  it("looks for the users of what the change declares only when the index defines it", async () => {
    await index(db, REPO, [
      {
        path: "src/list.ts",
        content:
          "export function visit(items: number[], each: (n: number) => void) {\n  for (const item of items) each(item);\n}\n",
      },
      {
        path: "src/sum.ts",
        content: "export function sum(items: number[]) {\n  return items.length;\n}\n",
      },
    ]);
    // `each` is declared on an added line (a local), and only ever a parameter in the index.
    const patch = [
      "@@ -1,3 +1,4 @@",
      " export function sum(items: number[]) {",
      "+  const each = (n: number) => n;",
      "   return items.length;",
      " }",
    ];
    const retrieved = await retrieveContext(
      db,
      createLocalEmbedder(),
      REPO,
      readDiffNames([
        { path: "src/sum.ts", status: "modified", hunks: parsePatch(patch.join("\n")) },
      ]),
    );
    expect(retrieved.rankings.references).toEqual([]);
    expect(retrieved.chunks.map((chunk) => chunk.reason)).not.toContain(
      "uses `each`, which the change modifies",
    );
  });

  it("fills the review's context slot within the budget, listing the files used", async () => {
    await index(db, REPO, fixtureEntries());
    const provider = createCodeContextProvider({ db: handle.db, embedder: createLocalEmbedder() });
    const scope = reviewScope(REPO, mathDiff());
    const context = await provider(scope, 2_000);
    // Each block says why it is there.
    expect(context.text).toMatch(/^### src\/\S+:\d+-\d+ — .+\n```\n/);
    expect(context.files).toContain("src/checkout.ts");
    expect(context.text.length / 3.5).toBeLessThanOrEqual(2_000);
    const small = await provider(scope, 60);
    expect(small.text.length / 3.5).toBeLessThanOrEqual(60);

    // No index for the repository: empty, quickly.
    expect(await provider({ ...scope, repositoryId: 999 }, 2_000)).toEqual({ text: "", files: [] });
  });
});
