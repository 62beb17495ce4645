import type { CodeIndexDatabase } from "../code-index/code-index-tables.ts";
import type { RepositoryScope } from "../code-index/code-index-store.ts";
import type { FileEdge } from "../code-index/read-file-graph.ts";
import { findNamedDefinitions, type FoundChunk } from "../code-index/search-code-index.ts";
import { personalizedPageRank } from "./personalized-page-rank.ts";

/** Definition files seeded at most; together they weigh as much as one changed file. */
const MAX_DEFINITION_SEEDS = 10;

/**
 * Orders `candidates` by how close the code's graph puts their files to the change: a personalised
 * PageRank over `edges` (readFileGraph), seeded from the changed files and, at half their weight
 * together, the files defining the names the change uses. Also brings in the best-ranked files no
 * candidate comes from (up to `neighbours`), as the chunks defining the names their incoming edges
 * carry, with the reason "graph neighbour". Files `skipPath` rejects (the diff's own files,
 * tests) neither rank nor join. Returns nothing to rank when nothing seeds the graph.
 */
export async function rankByFileGraph(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  input: {
    edges: readonly FileEdge[];
    changedPaths: readonly string[];
    definitionPaths: readonly string[];
    candidates: readonly FoundChunk[];
    skipPath: (path: string) => boolean;
    neighbours: number;
  },
): Promise<{
  ranked: FoundChunk[];
  neighbours: { chunk: FoundChunk; reason: string }[];
  fileRanks: Map<string, number>;
}> {
  const seeds = new Map<string, number>();
  const definitionSeeds = [...new Set(input.definitionPaths)]
    .filter((path) => !input.changedPaths.includes(path))
    .slice(0, MAX_DEFINITION_SEEDS);
  for (const path of definitionSeeds) seeds.set(path, 0.5 / definitionSeeds.length);
  for (const path of input.changedPaths) seeds.set(path, 1);
  if (seeds.size === 0) return { ranked: [], neighbours: [], fileRanks: new Map() };
  const fileRanks = personalizedPageRank(input.edges, seeds);
  const rankOf = (path: string) => fileRanks.get(path) ?? 0;

  const covered = new Set(input.candidates.map((chunk) => chunk.path));
  const newFiles = [...fileRanks]
    .filter(([path, rank]) => rank > 0 && !covered.has(path) && !input.skipPath(path))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, input.neighbours)
    .map(([path]) => path);
  const neighbours: { chunk: FoundChunk; reason: string }[] = [];
  for (const path of newFiles) {
    // The names that bring walks here, heaviest first: what the file is a neighbour for.
    const incoming = input.edges
      .filter((edge) => edge.to === path && edge.names.length > 0 && rankOf(edge.from) > 0)
      .sort((a, b) => rankOf(b.from) * b.weight - rankOf(a.from) * a.weight);
    const via = new Map<string, string>();
    for (const edge of incoming)
      for (const name of edge.names) if (!via.has(name)) via.set(name, edge.from);
    const names = [...via.keys()].slice(0, 3);
    for (const { name, ...chunk } of await findNamedDefinitions(db, scope, names, {
      path,
      perName: 1,
    })) {
      neighbours.push({
        chunk,
        reason: `graph neighbour: defines \`${name}\`, used by ${via.get(name)}`,
      });
    }
  }
  const ranked = [...input.candidates, ...neighbours.map(({ chunk }) => chunk)]
    .filter((chunk) => rankOf(chunk.path) > 0 && !input.skipPath(chunk.path))
    .map((chunk, order) => ({ chunk, order }))
    .sort((a, b) => rankOf(b.chunk.path) - rankOf(a.chunk.path) || a.order - b.order)
    .map(({ chunk }) => chunk);
  return { ranked, neighbours, fileRanks };
}
