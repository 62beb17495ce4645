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

/** A repository of a third installation with several chunks, for ranking, ranges and limits. */
const RICH: RepositoryScope = { installationId: 3, repositoryId: 30 };

type RichChunk = {
  label: string;
  path: string;
  lines: [number, number];
  content: string;
  defines: string[];
  references: string[];
  tilt: number;
};

/**
 * RICH's chunks, written in this order (so their ids ascend in it). Full-text search sees each
 * chunk's content; `tilt` sets its distance from vector(0): B, A, D, C from nearest to farthest.
 */
const RICH_CHUNKS: RichChunk[] = [
  {
    label: "A",
    path: "src/a.ts",
    lines: [1, 10],
    content: "alpha beta",
    defines: ["alpha", "beta"],
    references: ["gamma", "delta"],
    tilt: 0.5,
  },
  {
    label: "B",
    path: "src/a.ts",
    lines: [11, 20],
    content: "gamma",
    defines: ["gamma"],
    references: ["alpha"],
    tilt: 0.1,
  },
  {
    label: "D",
    path: "src/a.ts",
    lines: [21, 30],
    content: "alpha beta",
    defines: ["alpha"],
    references: ["beta"],
    tilt: 1,
  },
  {
    label: "C",
    path: "src/b.ts",
    lines: [1, 5],
    content: "delta alpha",
    defines: ["delta", "alpha"],
    references: ["gamma", "delta", "alpha"],
    tilt: 2,
  },
];

async function indexRichRepository(db: CodeIndexDatabase) {
  const files = ["src/a.ts", "src/b.ts"].map((path) => {
    const chunks = RICH_CHUNKS.filter((chunk) => chunk.path === path);
    return {
      path,
      contentHash: `file-${path}`,
      bytes: 100,
      chunks: chunks.map((chunk): Chunk => ({
        path,
        language: "typescript",
        kind: "function",
        startLine: chunk.lines[0],
        endLine: chunk.lines[1],
        content: chunk.content,
        signature: chunk.content,
        symbols: chunk.defines,
        references: chunk.references,
        contentHash: `hash-${chunk.label}`,
      })),
      vectors: chunks.map((chunk) => vector(chunk.tilt)),
      imports: [],
    };
  });
  await writeFiles(db, RICH, MODEL, DIMENSIONS, files);
}

/** Which of RICH_CHUNKS a found chunk is; fails on any other row or a column that differs. */
function labelOf(found: { path: string; start_line: number; end_line: number; content: string }) {
  const chunk = RICH_CHUNKS.find((c) => c.path === found.path && c.lines[0] === found.start_line);
  expect(chunk, `a chunk of RICH at ${found.path}:${found.start_line}`).toBeDefined();
  expect(found).toMatchObject({ end_line: chunk!.lines[1], content: chunk!.content });
  return chunk!.label;
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
    await indexRichRepository(db);
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

  it("no query runs for nothing to look for", async () => {
    expect(await findDefinitions(db, REPO, [], 10)).toEqual([]);
    expect(await findReferences(db, REPO, [], 10)).toEqual([]);
    expect(await findSymbolsInRanges(db, REPO, "src/math.ts", [])).toEqual([]);
    // One-letter names and punctuation make no full-text term.
    expect(await findByIdentifiers(db, REPO, [], 10)).toEqual([]);
    expect(await findByIdentifiers(db, REPO, ["x", "$"], 10)).toEqual([]);
  });

  it("definitions and references are told apart", async () => {
    expect(await findDefinitions(db, REPO, ["addTax"], 10)).toEqual([]);
    expect(await findReferences(db, REPO, ["roundCents"], 10)).toEqual([]);
  });

  it("definitions: chunks defining earlier names first, then by id, each chunk once", async () => {
    const labels = async (names: string[], limit: number) =>
      (await findDefinitions(db, RICH, names, limit)).map(labelOf);
    expect(await labels(["gamma", "alpha"], 10)).toEqual(["B", "A", "D", "C"]);
    expect(await labels(["gamma", "alpha"], 2)).toEqual(["B", "A"]);
    // A defines both names: it comes once, at its first name's place.
    expect(await labels(["beta", "alpha"], 10)).toEqual(["A", "D", "C"]);
    const [first] = await findDefinitions(db, RICH, ["beta"], 1);
    expect(Object.keys(first!).sort()).toEqual(["content", "end_line", "id", "path", "start_line"]);
  });

  it("references: chunks referencing the most names first, then by id", async () => {
    const labels = async (names: string[], limit: number) =>
      (await findReferences(db, RICH, names, limit)).map(labelOf);
    expect(await labels(["gamma", "delta", "alpha"], 10)).toEqual(["C", "A", "B"]);
    expect(await labels(["gamma", "delta", "alpha"], 2)).toEqual(["C", "A"]);
    expect(await labels(["alpha", "beta"], 10)).toEqual(["B", "D", "C"]);
  });

  it("symbols in ranges: the names of the path's chunks overlapping any range, each once", async () => {
    const names = async (path: string, ranges: [number, number][]) =>
      (await findSymbolsInRanges(db, RICH, path, ranges)).sort();
    expect(await names("src/a.ts", [[10, 11]])).toEqual(["alpha", "beta", "gamma"]);
    expect(await names("src/a.ts", [[20, 21]])).toEqual(["alpha", "gamma"]);
    expect(await names("src/a.ts", [[1, 1]])).toEqual(["alpha", "beta"]);
    expect(await names("src/a.ts", [[30, 35]])).toEqual(["alpha"]);
    expect(await names("src/a.ts", [[31, 40]])).toEqual([]);
    expect(
      await names("src/a.ts", [
        [5, 5],
        [25, 25],
      ]),
    ).toEqual(["alpha", "beta"]);
    expect(await names("src/b.ts", [[1, 1]])).toEqual(["alpha", "delta"]);
  });

  it("vector search: nearest first, `limit` of them, exact and indexed alike", async () => {
    const found = await findSimilar(db, RICH, { model: MODEL, vector: vector(0) }, 3);
    expect(found.map(labelOf)).toEqual(["B", "A", "D"]);
    const distances = found.map((chunk) => chunk.distance);
    expect(distances.every((d) => typeof d === "number")).toBe(true);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    const narrow = await findSimilar(db, RICH, { model: MODEL, vector: vector(0) }, 2, {
      efSearch: 10,
    });
    expect(narrow.map(labelOf)).toEqual(["B", "A"]);
    const exact = await findSimilarExact(db, RICH, { model: MODEL, vector: vector(0) }, 3);
    expect(exact.map(labelOf)).toEqual(["B", "A", "D"]);
  });

  it("full-text search: chunks matching more of the names first, then by id", async () => {
    const found = await findByIdentifiers(db, RICH, ["alpha", "Beta"], 10);
    expect(found.map(labelOf)).toEqual(["A", "D", "C"]);
    expect((await findByIdentifiers(db, RICH, ["alpha", "beta"], 1)).map(labelOf)).toEqual(["A"]);
  });

  // The schema does not tie a symbol row's tenant to its chunk's: a writer bug could pair them
  // wrongly. Both tables are filtered, so neither half of such a pair lets code cross over.
  it("a symbol row whose tenant disagrees with its chunk's never crosses over", async () => {
    const chunkOf = (scope: RepositoryScope) =>
      db
        .selectFrom("code_chunks")
        .select("id")
        .where("installation_id", "=", scope.installationId)
        .where("repository_id", "=", scope.repositoryId)
        .executeTakeFirstOrThrow();
    const foreignChunk = await chunkOf(FOREIGN);
    const ownChunk = await chunkOf(REPO);
    const row = (scope: RepositoryScope, chunkId: number, name: string) =>
      (["definition", "reference"] as const).map((role) => ({
        chunk_id: chunkId,
        installation_id: scope.installationId,
        repository_id: scope.repositoryId,
        name,
        role,
      }));
    await db
      .insertInto("code_symbols")
      .values([
        // REPO's symbol on FOREIGN's chunk, and FOREIGN's symbol on REPO's chunk.
        ...row(REPO, Number(foreignChunk.id), "pointsAbroad"),
        ...row(FOREIGN, Number(ownChunk.id), "pointsHome"),
      ])
      .execute();
    for (const name of ["pointsAbroad", "pointsHome"]) {
      expect(await findDefinitions(db, REPO, [name], 10)).toEqual([]);
      expect(await findReferences(db, REPO, [name], 10)).toEqual([]);
    }
  });
});
