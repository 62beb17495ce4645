import { sql } from "kysely";
import type { CodeIndexDatabase } from "./code-index-tables.ts";
import type { RepositoryScope } from "./code-index-store.ts";

/** `from` references names `to` defines (or imports `to`), with up to three of those names. */
export type FileEdge = { from: string; to: string; weight: number; names: string[] };

/** A name defined in more files than this says little about which one a use means (`get`, `init`). */
const MAX_DEFINING_FILES = 5;
/** How much more a name the change uses weighs than any other. */
const MENTIONED_BOOST = 10;

/**
 * The repository's graph as last read, per repository and index state: reading it scans every
 * symbol of the repository (seconds on a large one in PGlite), and it changes only when the index
 * does. Bounded to the `size` repositories read last. One per process (a context provider's).
 */
export type FileGraphCache = {
  read(key: string, load: () => Promise<FileEdge[]>): Promise<FileEdge[]>;
};

export function createFileGraphCache(size = 16): FileGraphCache {
  const entries = new Map<string, Promise<FileEdge[]>>();
  return {
    read(key, load) {
      let found = entries.get(key);
      if (found === undefined) {
        found = load();
        // A failed read is not kept: the next review reads again.
        found.catch(() => entries.get(key) === found && entries.delete(key));
      } else {
        entries.delete(key);
      }
      entries.set(key, found);
      while (entries.size > size) entries.delete(entries.keys().next().value!);
      return found;
    },
  };
}

/**
 * The repository's graph of files: an edge from each file to each file defining a name it
 * references (weight √uses divided by how many files define the name, so an ambiguous name counts
 * less, as in Aider's repository map; names in `mentioned`, the ones the change uses, count
 * MENTIONED_BOOST times; names defined in more than MAX_DEFINING_FILES files are left out), plus one
 * per recorded import to the file it resolves to. Self-edges are left out. Bounded: the `maxEdges`
 * heaviest edges of each kind, plus every edge of a mentioned name. The graph without the boost is
 * read once per `version` of the repository's index through `cache`; the boost is one query on
 * the mentioned names. Scoped to the repository.
 */
export async function readFileGraph(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  options: {
    mentioned: readonly string[];
    maxEdges: number;
    /** With `version` (what identifies the index's content), where the unboosted graph is kept. */
    cache?: FileGraphCache;
    version?: string;
  },
): Promise<FileEdge[]> {
  const load = () => readPlainGraph(db, scope, options.maxEdges);
  const [plain, mentioned] = await Promise.all([
    options.cache && options.version !== undefined
      ? options.cache.read(
          `${scope.installationId}/${scope.repositoryId}/${options.maxEdges}/${options.version}`,
          load,
        )
      : load(),
    options.mentioned.length > 0
      ? readReferenceEdges(db, scope, { names: options.mentioned, limit: null })
      : Promise.resolve([]),
  ]);
  // A mentioned name's share of an edge is already in the plain weight once.
  const boosted = new Map<string, FileEdge>();
  for (const edge of mentioned) {
    boosted.set(`${edge.from}\0${edge.to}`, {
      ...edge,
      weight: edge.weight * (MENTIONED_BOOST - 1),
    });
  }
  const edges = plain.map((edge) => {
    const extra = edge.names.length > 0 ? boosted.get(`${edge.from}\0${edge.to}`) : undefined;
    if (extra === undefined) return edge;
    boosted.delete(`${edge.from}\0${edge.to}`);
    return {
      ...edge,
      weight: edge.weight + extra.weight,
      names: [...new Set([...extra.names, ...edge.names])].slice(0, 3),
    };
  });
  // Edges of mentioned names too light to be among the heaviest: their whole weight boosted.
  for (const extra of boosted.values()) {
    edges.push({
      ...extra,
      weight: (extra.weight * MENTIONED_BOOST) / (MENTIONED_BOOST - 1),
    });
  }
  return edges;
}

/** The graph without any boost: the heaviest reference edges and the import edges. */
async function readPlainGraph(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  maxEdges: number,
): Promise<FileEdge[]> {
  const [references, imports] = await Promise.all([
    readReferenceEdges(db, scope, { names: null, limit: maxEdges }),
    db
      .selectFrom("code_imports")
      .select(["path as from", "target_path as to", sql<number>`count(*)::float8`.as("weight")])
      .where("installation_id", "=", scope.installationId)
      .where("repository_id", "=", scope.repositoryId)
      .where("target_path", "is not", null)
      .whereRef("target_path", "<>", "path")
      .groupBy(["path", "target_path"])
      .orderBy("weight", "desc")
      .orderBy("path")
      .limit(maxEdges)
      .execute(),
  ]);
  return [
    ...references,
    ...imports.map((row) => ({
      from: row.from,
      to: row.to!,
      weight: Number(row.weight),
      names: [],
    })),
  ];
}

/**
 * Reference edges, weight Σ √uses / defining files per name, most used names first in `names`:
 * over every name (`names` null), or only over `names`. `limit`: the heaviest that many.
 */
async function readReferenceEdges(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  options: { names: readonly string[] | null; limit: number | null },
): Promise<FileEdge[]> {
  const { installationId, repositoryId } = scope;
  const only =
    options.names === null
      ? sql``
      : sql`AND s.name IN (${sql.join(options.names.map((name) => sql`${name}`))})`;
  const symbols = (role: "definition" | "reference") => sql`
    SELECT s.name, c.path, count(*) AS uses
    FROM code_symbols s JOIN code_chunks c ON c.id = s.chunk_id
    WHERE s.installation_id = ${installationId} AND s.repository_id = ${repositoryId}
      AND c.installation_id = ${installationId} AND c.repository_id = ${repositoryId}
      AND s.role = ${role} AND strpos(s.name, '.') = 0 ${only}
    GROUP BY s.name, c.path`;
  const limit = options.limit === null ? sql`` : sql`LIMIT ${options.limit}`;
  const { rows } = await sql<FileEdge>`
    WITH defs AS (${symbols("definition")}),
      spread AS (
        SELECT name, count(*) AS files FROM defs GROUP BY name
        HAVING count(*) <= ${MAX_DEFINING_FILES}
      ),
      refs AS (${symbols("reference")})
    SELECT r.path AS "from", d.path AS "to",
      sum(sqrt(r.uses) / spread.files)::float8 AS weight,
      (array_agg(r.name ORDER BY r.uses DESC, r.name))[1:3] AS names
    FROM refs r
      JOIN spread ON spread.name = r.name
      JOIN defs d ON d.name = r.name AND d.path <> r.path
    GROUP BY r.path, d.path
    ORDER BY weight DESC, r.path, d.path
    ${limit}`.execute(db);
  return rows.map((row) => ({ ...row, weight: Number(row.weight) }));
}
