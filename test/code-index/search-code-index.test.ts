import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Chunk } from "../../src/code-index/chunk.ts";
import { writeFiles, type RepositoryScope } from "../../src/code-index/code-index-store.ts";
import {
  codeIndexDatabase,
  type CodeIndexDatabase,
} from "../../src/code-index/code-index-tables.ts";
import {
  findByIdentifiers,
  findDefinitions,
  findReferences,
  findSimilar,
  findSimilarExact,
  findSymbolsInRanges,
} from "../../src/code-index/search-code-index.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";

const MODEL = "test-model";
const DIMENSIONS = 384;
const REPO: RepositoryScope = { installationId: 1, repositoryId: 10 };
/** Another repository of the same installation, and a repository of another installation. */
const SIBLING: RepositoryScope = { installationId: 1, repositoryId: 11 };
const FOREIGN: RepositoryScope = { installationId: 2, repositoryId: 20 };
/** REPO's repository id paired with the other installation: it must find nothing. */
const CROSSED: RepositoryScope = { installationId: 2, repositoryId: 10 };

/** A unit vector near the first axis; `tilt` moves it a little towards the second. */
function vector(tilt: number): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0);
  v[0] = 1;
  v[1] = tilt;
  return v;
}

/**
 * The same file in every repository: it defines and references the same names (so every query
 * matches in each), plus a name of its own (`<tag>Only`) that tells the repositories apart.
 */
async function indexFile(db: CodeIndexDatabase, scope: RepositoryScope, tag: string) {
  const content = `export function roundCents(value: number): number {\n  return addTax(value) + ${tag}Only();\n}\n`;
  const chunk: Chunk = {
    path: "src/math.ts",
    language: "typescript",
    kind: "function",
    startLine: 1,
    endLine: 3,
    content,
    signature: "export function roundCents(value: number): number {",
    symbols: ["roundCents", `${tag}Only`],
    references: ["addTax"],
    contentHash: `hash-${tag}`,
  };
  await writeFiles(db, scope, MODEL, DIMENSIONS, [
    {
      path: chunk.path,
      contentHash: `file-${tag}`,
      bytes: 80,
      chunks: [chunk],
      vectors: [vector(0.01)],
      imports: [],
    },
  ]);
}

describe.each(backends)("code index search on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: CodeIndexDatabase;

  // The tests only read: one database, indexed once, serves them all.
  beforeAll(async () => {
    handle = await createTestDatabase(backend);
    db = codeIndexDatabase(handle.db);
    await indexFile(db, REPO, "repo");
    await indexFile(db, SIBLING, "sibling");
    await indexFile(db, FOREIGN, "foreign");
  });
  afterAll(async () => {
    await handle.close();
  });

  /** Every query of search-code-index.ts, as chunk ids (or names) found for `scope`. */
  const queries = {
    definitions: (scope: RepositoryScope) => findDefinitions(db, scope, ["roundCents"], 10),
    references: (scope: RepositoryScope) => findReferences(db, scope, ["addTax"], 10),
    similar: (scope: RepositoryScope) =>
      findSimilar(db, scope, { model: MODEL, vector: vector(0) }, 10),
    similarExact: (scope: RepositoryScope) =>
      findSimilarExact(db, scope, { model: MODEL, vector: vector(0) }, 10),
    identifiers: (scope: RepositoryScope) => findByIdentifiers(db, scope, ["roundCents"], 10),
  };

  it.each(Object.keys(queries) as (keyof typeof queries)[])(
    "%s: finds only the chunks of the scope's installation and repository",
    async (name) => {
      const found = await queries[name](REPO);
      expect(found.length).toBe(1);
      expect(found[0]!.content).toContain("repoOnly");
      expect(await queries[name](CROSSED)).toEqual([]);
    },
  );

  it("symbols in ranges: only the names the scope's own chunks define", async () => {
    const ranges: [number, number][] = [[1, 3]];
    expect((await findSymbolsInRanges(db, REPO, "src/math.ts", ranges)).sort()).toEqual([
      "repoOnly",
      "roundCents",
    ]);
    expect(await findSymbolsInRanges(db, CROSSED, "src/math.ts", ranges)).toEqual([]);
  });

  it("vector search ranks by cosine distance, with the distance as a number", async () => {
    const [nearest] = await findSimilar(db, REPO, { model: MODEL, vector: vector(0.01) }, 1);
    expect(nearest!.distance).toBeCloseTo(0, 5);
    const [far] = await findSimilar(db, REPO, { model: MODEL, vector: vector(-100) }, 1);
    expect(far!.distance).toBeGreaterThan(0.5);
    expect(await findSimilar(db, REPO, { model: "other-model", vector: vector(0) }, 10)).toEqual(
      [],
    );
  });
});
