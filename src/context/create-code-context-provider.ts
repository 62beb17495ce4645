import type { Database } from "../db/open-database.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import type { Octokit } from "../github/github-types.ts";
import { codeIndexDatabase, type CodeIndexDatabase } from "../code-index/code-index-tables.ts";
import {
  readFileHashes,
  readIndexState,
  readIndexedText,
  type RepositoryScope,
} from "../code-index/code-index-store.ts";
import type { ImportedName } from "../code-index/imported-name.ts";
import { readModuleSettings, resolveImport } from "../code-index/resolve-import.ts";
import type { FoundImport } from "../code-index/search-imports.ts";
import type { ContextProvider } from "../review/review-extensions.ts";
import { fuseRankings } from "./fuse-rankings.ts";
import { packContext, type ContextChunk } from "./pack-context.ts";
import { applyBaseOverlay, readBaseOverlay, type ChunkFile } from "./read-base-overlay.ts";
import { readDiffNames, type DiffNames } from "./read-diff-names.ts";
import { resolveDefinitions } from "./resolve-definitions.ts";
import {
  findByIdentifiers,
  findDefinitionsInRanges,
  findImportingCallers,
  findNamedDefinitions,
  findReexporters,
  findReferences,
  findSimilar,
  type FoundChunk,
} from "../code-index/search-code-index.ts";
import {
  createFileGraphCache,
  readFileGraph,
  type FileGraphCache,
} from "../code-index/read-file-graph.ts";
import { rankByFileGraph } from "./rank-by-file-graph.ts";

export type FusionWeights = Record<keyof RetrievedContext["rankings"], number>;

/**
 * How much each retriever counts in the fusion. Definitions and callers are what a reviewer needs
 * most; similar code and identifier hits fill in. Definitions, references, similar and identifiers
 * were chosen on bench/retrieval-quality-bench.ts (equal weights put the fused result below the
 * symbol table alone there); callers and graph were added after, at the weight of references and
 * above, so none is independently validated.
 */
export const DEFAULT_FUSION_WEIGHTS: FusionWeights = {
  definitions: 3,
  callers: 2,
  references: 1,
  graph: 1,
  similar: 0.5,
  identifiers: 0.5,
};

/** Candidates each retriever contributes before fusion. */
const PER_RETRIEVER = 20;
/** Names searched for; a diff using hundreds of names gets its most frequent ones. */
const MAX_NAMES = 60;
/**
 * Names whose definitions are looked up: more, since a name used once (`setCharset` in a release
 * of express) matters as much as a frequent one, and the lookup is one indexed query.
 */
const MAX_DEFINED_NAMES = 250;
/** Changed definitions whose callers are looked up, and callers kept per definition. */
const MAX_CHANGED_DEFINITIONS = 12;
const CALLERS_PER_DEFINITION = 4;
/** The file graph's size bound: the heaviest edges of each kind (references, imports). */
const MAX_GRAPH_EDGES = 20_000;
/** Files the graph ranks highest that no other retriever found, looked into for definitions. */
const GRAPH_NEIGHBOURS = 6;
/** Chunks returned, best first: more than a context budget holds, so packing fills it. */
const MAX_CHUNKS = 150;

/** A retrieved chunk and why it is there ("definition of `X` used at src/a.ts:12"). */
export type ReasonedChunk = FoundChunk & { reason: string };

export type RetrievedContext = {
  /**
   * Best first, without what the diff already shows: definitions resolved through the changed
   * files' imports, then the fused rest, with tests, fixtures, generated files and the diff's own
   * files last (tests and fixtures not last when the change itself only touches such files).
   */
  chunks: ReasonedChunk[];
  /** Each retriever's ranking (chunk ids), for measuring them apart. */
  rankings: Record<
    "definitions" | "callers" | "references" | "graph" | "similar" | "identifiers",
    number[]
  >;
};

/** Tests, fixtures, mocks, snapshots, examples and generated code: rarely what a change calls. */
const SECONDARY_PATH =
  /(^|\/)(tests?|__tests__|spec|specs|fixtures?|__fixtures__|__mocks__|mocks?|testdata|examples?|__snapshots__|generated)\/|\.(test|spec)\.[a-z]+$|_test\.(go|py)$|(^|\/)test_[^/]*\.py$|\.generated\.[a-z]+$|\.pb\.go$|_pb2\.py$/;

/**
 * Retrieves the code a reviewer of `names` needs: the definitions of the names the change uses
 * (resolved through the changed files' recorded imports first, resolve-definitions.ts), the
 * callers, in other files importing it, of each definition the diff changes, the places that
 * reference what it declares or modifies, the files the code's graph ranks closest to the change
 * (personalised PageRank, rank-by-file-graph.ts), similar code (vector search) and exact
 * identifiers (full-text search), fused by reciprocal rank, minus the lines the diff shows.
 * Returns nothing when the repository has no index built with `embedder`'s model.
 */
export async function retrieveContext(
  db: CodeIndexDatabase,
  embedder: Embedder,
  scope: RepositoryScope,
  names: DiffNames,
  options: {
    limit?: number;
    signal?: AbortSignal;
    weights?: Partial<FusionWeights>;
    /** Where the repository's file graph is kept between reviews (read-file-graph.ts). */
    graphCache?: FileGraphCache;
  } = {},
): Promise<RetrievedContext> {
  const empty: RetrievedContext = {
    chunks: [],
    rankings: {
      definitions: [],
      callers: [],
      references: [],
      graph: [],
      similar: [],
      identifiers: [],
    },
  };
  const state = await readIndexState(db, scope);
  if (!state || state.embedding_model !== embedder.model || state.chunks === 0) return empty;

  const used = names.used.slice(0, MAX_NAMES);
  const looked = new Set(names.used.slice(0, MAX_DEFINED_NAMES));
  const uses = names.uses.filter((use) => use.qualifier !== null || looked.has(use.name));
  const changedDefinitions: { name: string; path: string; line: number }[] = [];
  for (const [path, ranges] of names.shownRanges) {
    changedDefinitions.push(...(await findDefinitionsInRanges(db, scope, path, ranges)));
  }
  // What the change declares that the index defines somewhere: its users are worth reading. A
  // name declared on an added line and defined nowhere (a local `let i`, a new function) has none.
  const redeclared = await findNamedDefinitions(db, scope, names.declared.slice(0, MAX_NAMES), {
    perName: 1,
  });
  const modified = new Set([
    ...changedDefinitions.map((definition) => definition.name),
    ...redeclared.map((chunk) => chunk.name),
  ]);
  const [vector] = names.changedText.trim()
    ? await embedder.embed([names.changedText], { signal: options.signal })
    : [];
  const [definitions, callers, references, similar, identifiers, graphEdges] = await Promise.all([
    resolveDefinitions(db, scope, uses, {
      perName: 2,
      addedImports: await resolveAddedImports(db, scope, names.addedImports),
    }),
    findCallers(db, scope, changedDefinitions.slice(0, MAX_CHANGED_DEFINITIONS)),
    findReferences(db, scope, [...modified].slice(0, MAX_NAMES), PER_RETRIEVER),
    vector
      ? findSimilar(db, scope, { model: embedder.model, vector }, PER_RETRIEVER)
      : Promise.resolve([]),
    findByIdentifiers(db, scope, used, PER_RETRIEVER),
    readFileGraph(db, scope, {
      mentioned: used,
      maxEdges: MAX_GRAPH_EDGES,
      cache: options.graphCache,
      // Every index run rewrites the state: a new run is a new graph.
      version: `${state.commit_sha}/${new Date(state.indexed_at).getTime()}/${state.chunks}`,
    }),
  ]);

  // A name the imports resolve has one definition; other definitions of the same name (another
  // major version, a copy in a test) are not what the change uses.
  const resolvedIds = new Set(
    definitions.filter(({ via }) => via === "import").map(({ chunk }) => chunk.id),
  );
  const resolvedNames = [
    ...new Set(definitions.filter(({ via }) => via === "import").map(({ chunk }) => chunk.name)),
  ];
  const shadowed = new Set(
    (await findNamedDefinitions(db, scope, resolvedNames, { perName: 100 }))
      .map((chunk) => chunk.id)
      .filter((id) => !resolvedIds.has(id)),
  );

  // Tests and fixtures go last, unless the change is about them (it touches nothing else).
  const changedPaths = [...names.changedPaths];
  const aboutSecondary =
    changedPaths.length > 0 && changedPaths.every((path) => SECONDARY_PATH.test(path));
  const secondaryPath = (path: string) =>
    names.changedPaths.has(path) || (!aboutSecondary && SECONDARY_PATH.test(path));

  const byId = new Map<number, FoundChunk>();
  const shown = (chunk: FoundChunk) =>
    shadowed.has(chunk.id) ||
    names.removedPaths.has(chunk.path) ||
    (names.shownRanges.get(chunk.path) ?? []).some(
      ([start, end]) => chunk.start_line <= end && chunk.end_line >= start,
    );
  const reasons = new Map<number, string>();
  const because = (chunk: FoundChunk, reason: string) => {
    if (!reasons.has(chunk.id)) reasons.set(chunk.id, reason);
  };
  for (const { chunk, use, via } of definitions) {
    const name = use.qualifier === null ? use.name : `${use.qualifier}.${use.name}`;
    const how = via === "import" ? "" : " (matched by name)";
    because(chunk, `definition of \`${name}\`${how} used at ${use.path}:${use.line}`);
  }
  for (const { chunk, definition } of callers) {
    because(chunk, `caller of \`${definition.name}\` (${definition.path}:${definition.line})`);
  }
  for (const chunk of references) {
    const name = [...modified].find((declared) => chunk.content.includes(declared));
    because(chunk, name ? `uses \`${name}\`, which the change modifies` : "caller of changed code");
  }
  for (const chunk of similar) because(chunk, "similar code");
  for (const chunk of identifiers) {
    const name = used.find((candidate) => chunk.content.includes(candidate));
    because(chunk, name ? `mentions \`${name}\`` : "mentions names the change uses");
  }
  const ranking = (chunks: FoundChunk[]) =>
    chunks.filter((chunk) => !shown(chunk)).map((chunk) => (byId.set(chunk.id, chunk), chunk.id));
  const resolved = ranking(
    definitions.filter(({ via }) => via === "import").map(({ chunk }) => chunk),
  );
  const rankings: RetrievedContext["rankings"] = {
    // Every definition the uses name (at most MAX_NAMES × 2 by import, 20 by name per name).
    definitions: ranking(definitions.map(({ chunk }) => chunk)),
    callers: ranking(callers.map(({ chunk }) => chunk)),
    references: ranking(references),
    graph: [],
    similar: ranking(similar),
    identifiers: ranking(identifiers),
  };

  const graph = await rankByFileGraph(db, scope, {
    edges: graphEdges,
    changedPaths,
    definitionPaths: definitions.map(({ chunk }) => chunk.path),
    candidates: [...byId.values()],
    skipPath: (path) => secondaryPath(path) || names.removedPaths.has(path),
    neighbours: GRAPH_NEIGHBOURS,
  });
  for (const { chunk, reason } of graph.neighbours) because(chunk, reason);
  rankings.graph = ranking(graph.ranked).slice(0, PER_RETRIEVER);

  const weights = { ...DEFAULT_FUSION_WEIGHTS, ...options.weights };
  const fused = fuseRankings(
    (Object.keys(rankings) as (keyof typeof rankings)[]).map((key) => ({
      ids: rankings[key],
      weight: weights[key],
    })),
  );
  // A definition the change uses is never pushed last, even in the diff's own file: measured on
  // real releases (bench/retrieval), most definitions a change calls live in the file it edits.
  const usedDefinitions = new Set(rankings.definitions);
  const secondary = (id: number) => !usedDefinitions.has(id) && secondaryPath(byId.get(id)!.path);
  const rest = fused.map(({ id }) => id).filter((id) => !resolved.includes(id));
  const ordered = [
    ...new Set(resolved),
    ...rest.filter((id) => !secondary(id)),
    ...rest.filter((id) => secondary(id)),
  ];
  return {
    chunks: ordered
      .slice(0, options.limit ?? MAX_CHUNKS)
      .map((id) => ({ ...byId.get(id)!, reason: reasons.get(id)! })),
    rankings,
  };
}

/**
 * The callers of each changed definition: chunks of other files that reference it and import it
 * from its file or from a barrel re-exporting that file. Callers of earlier definitions first.
 */
async function findCallers(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  changed: { name: string; path: string; line: number }[],
): Promise<{ chunk: FoundChunk; definition: { name: string; path: string; line: number } }[]> {
  const barrels = new Map<string, Promise<string[]>>();
  const found = await Promise.all(
    changed.map(async (definition) => {
      let reexporters = barrels.get(definition.path);
      if (reexporters === undefined) {
        reexporters = findReexporters(db, scope, definition.path);
        barrels.set(definition.path, reexporters);
      }
      // Go and Java import a package: its folder, written `dir/` (resolve-import.ts).
      const folder = `${definition.path.slice(0, definition.path.lastIndexOf("/") + 1)}`;
      const paths = [definition.path, ...(await reexporters), ...(folder ? [folder] : [])];
      const chunks = await findImportingCallers(
        db,
        scope,
        definition.name,
        paths,
        CALLERS_PER_DEFINITION,
      );
      return chunks.map((chunk) => ({ chunk, definition }));
    }),
  );
  return found.flat();
}

/**
 * The imports the diff adds, pointed at the files they name in the index (with the indexed
 * tsconfig.json's `paths`), so a name the change imports anew is followed like a recorded one.
 * Two queries, and only when the diff adds an import.
 */
async function resolveAddedImports(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  added: Map<string, ImportedName[]>,
): Promise<Map<string, FoundImport[]>> {
  const resolved = new Map<string, FoundImport[]>();
  if (added.size === 0) return resolved;
  const files = new Set((await readFileHashes(db, scope)).keys());
  let config: string | null = null;
  for (const path of ["tsconfig.json", "jsconfig.json"])
    config ??= await readIndexedText(db, scope, path);
  const settings = readModuleSettings(config ?? "{}");
  for (const [path, imports] of added) {
    resolved.set(
      path,
      imports.map((imported) => ({
        path,
        line: imported.line,
        kind: imported.kind,
        importedName: imported.importedName,
        localName: imported.localName,
        targetPath: resolveImport(path, imported.specifier, files, settings),
      })),
    );
  }
  return resolved;
}

/**
 * The review pipeline's context slot, filled from the codebase index: retrieved chunks rendered
 * as `### path:start-end` blocks within the token budget. A repository without an index gets
 * empty context at the cost of one indexed lookup. With `base`, when the pull request's base is
 * not the commit the index holds, the files that differ between them are read at the base and
 * replace the index's chunks of those files (up to MAX_BASE_FILES; beyond, the context's first
 * line says which commit it reflects). Never fails a review: a retrieval error is logged and the
 * review goes on without context; a failure to read the base leaves the index's context, saying so.
 */
export function createCodeContextProvider(deps: {
  db: Database;
  embedder: Embedder;
  base?: { auth: (installationId: number) => Promise<Octokit>; chunkFile: ChunkFile };
}): ContextProvider {
  const db = codeIndexDatabase(deps.db);
  const graphCache = createFileGraphCache();
  return async (scope, budgetTokens) => {
    try {
      const started = Date.now();
      const repository = { installationId: scope.installationId, repositoryId: scope.repositoryId };
      const names = readDiffNames(scope.files);
      const retrieved = await retrieveContext(db, deps.embedder, repository, names, {
        graphCache,
      });
      let chunks: ContextChunk[] = retrieved.chunks.map((chunk) => ({
        path: chunk.path,
        startLine: chunk.start_line,
        endLine: chunk.end_line,
        content: chunk.content,
        reason: chunk.reason,
      }));
      let note: string | null = null;
      const indexed = deps.base ? (await readIndexState(db, repository))?.commit_sha : null;
      if (deps.base && indexed && retrieved.chunks.length > 0) {
        try {
          const overlay = await readBaseOverlay(
            { octokit: await deps.base.auth(scope.installationId), chunkFile: deps.base.chunkFile },
            { owner: scope.owner, repo: scope.repo },
            { indexed, base: scope.baseSha },
          );
          if (overlay) {
            chunks = applyBaseOverlay(
              chunks,
              overlay,
              names.uses,
              names.changedPaths,
              scope.baseSha,
            );
            note = overlay.note;
          }
        } catch (error) {
          scope.log.warn({ err: error }, "could not read the base's files; context is the index's");
          note = `Repository context reflects commit ${indexed.slice(0, 7)} (the index), not the pull request's base ${scope.baseSha.slice(0, 7)}: the base's files could not be read.`;
        }
      }
      const packed = packContext(chunks, budgetTokens);
      scope.log.info(
        { chunks: packed.used.length, files: packed.files.length, ms: Date.now() - started, note },
        "codebase context retrieved",
      );
      const text = note && packed.text ? `${note}\n\n${packed.text}` : packed.text;
      return { text, files: packed.files };
    } catch (error) {
      scope.log.warn({ err: error }, "codebase context unavailable; reviewing without it");
      return { text: "", files: [] };
    }
  };
}
