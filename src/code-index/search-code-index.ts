import { expressionBuilder, sql } from "kysely";
import { cosineDistance } from "pgvector/kysely";
import {
  embeddingColumn,
  type CodeChunkTable,
  type CodeIndexDatabase,
  type CodeSymbolTable,
} from "./code-index-tables.ts";
import type { RepositoryScope } from "./code-index-store.ts";
import { identifierQuery } from "./search-text.ts";

export type FoundChunk = {
  id: number;
  path: string;
  start_line: number;
  end_line: number;
  content: string;
};

const CHUNK_COLUMNS = ["c.id", "c.path", "c.start_line", "c.end_line", "c.content"] as const;

/** The aliases every query here reads its tables under: chunks as `c`, symbols as `s`. */
type ScopedTable = "c" | "s";

/**
 * The tenant-isolation filter: rows of `table` that belong to this installation AND this
 * repository. Every query here applies it to every table it reads, so no path returns another
 * repository's or another installation's code. Built on an expression builder of its own, typed
 * by the two columns alone, so one filter fits queries over chunks and over symbols joined to them.
 */
function inRepository(scope: RepositoryScope, table: ScopedTable) {
  const eb = expressionBuilder<
    Record<
      ScopedTable,
      Pick<CodeChunkTable & CodeSymbolTable, "installation_id" | "repository_id">
    >,
    ScopedTable
  >();
  return eb.and([
    eb(`${table}.installation_id`, "=", scope.installationId),
    eb(`${table}.repository_id`, "=", scope.repositoryId),
  ]);
}

/** Chunks that define any of `names`, those defining earlier (more used) names first. */
export async function findDefinitions(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  names: string[],
  limit: number,
): Promise<FoundChunk[]> {
  if (names.length === 0) return [];
  const rows = await db
    .selectFrom("code_symbols as s")
    .innerJoin("code_chunks as c", "c.id", "s.chunk_id")
    .select([...CHUNK_COLUMNS, "s.name"])
    .where(inRepository(scope, "s"))
    .where(inRepository(scope, "c"))
    .where("s.role", "=", "definition")
    .where("s.name", "in", names)
    .limit(limit * 4)
    .execute();
  const order = new Map(names.map((name, i) => [name, i]));
  return distinctChunks(
    rows.sort((a, b) => order.get(a.name)! - order.get(b.name)! || a.id - b.id),
  ).slice(0, limit);
}

/**
 * Chunks that define any of `names`, each with the name it defines, those defining earlier names
 * first; up to `perName` chunks per name. With `path`, only chunks of that file, or with a `path`
 * ending in `/` (a package folder, as Go and Java imports resolve), of the files directly in it.
 */
export async function findNamedDefinitions(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  names: string[],
  options: { path?: string; perName: number },
): Promise<(FoundChunk & { name: string })[]> {
  if (names.length === 0) return [];
  let ranked = db
    .selectFrom("code_symbols as s")
    .innerJoin("code_chunks as c", "c.id", "s.chunk_id")
    .select([
      ...CHUNK_COLUMNS,
      "s.name",
      sql<number>`row_number() over (partition by s.name order by c.id)`.as("rank"),
    ])
    .where(inRepository(scope, "s"))
    .where(inRepository(scope, "c"))
    .where("s.role", "=", "definition")
    .where("s.name", "in", names);
  const path = options.path;
  if (path?.endsWith("/")) {
    // A package folder (a Go or Java package import): the files directly in it.
    ranked = ranked.where(
      sql<boolean>`left(c.path, ${path.length}) = ${path} and strpos(substr(c.path, ${path.length + 1}), '/') = 0`,
    );
  } else if (path !== undefined) ranked = ranked.where("c.path", "=", path);
  // At most `perName` rows per name leave the database: a name like `get` may be defined 1,000 times.
  const rows = await db
    .selectFrom(ranked.as("r"))
    .select(["r.id", "r.path", "r.start_line", "r.end_line", "r.content", "r.name"])
    .where("r.rank", "<=", options.perName)
    .execute();
  const order = new Map(names.map((name, i) => [name, i]));
  return rows.sort((a, b) => order.get(a.name)! - order.get(b.name)! || a.id - b.id);
}

/** The repository's reference rows joined to their chunks: where both searches for callers start. */
function referenceRows(db: CodeIndexDatabase, scope: RepositoryScope) {
  return db
    .selectFrom("code_symbols as s")
    .innerJoin("code_chunks as c", "c.id", "s.chunk_id")
    .select(CHUNK_COLUMNS)
    .where(inRepository(scope, "s"))
    .where(inRepository(scope, "c"))
    .where("s.role", "=", "reference");
}

/** Chunks that call, import or otherwise reference any of `names`, most names matched first. */
export async function findReferences(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  names: string[],
  limit: number,
): Promise<FoundChunk[]> {
  if (names.length === 0) return [];
  return referenceRows(db, scope)
    .where("s.name", "in", names)
    .groupBy(CHUNK_COLUMNS)
    .orderBy(sql`count(*)`, "desc")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

/** The names defined by the chunks of `path` that overlap the given old-side line ranges. */
export async function findSymbolsInRanges(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  path: string,
  ranges: [number, number][],
): Promise<string[]> {
  if (ranges.length === 0) return [];
  const rows = await db
    .selectFrom("code_chunks as c")
    .select("c.symbols")
    .where(inRepository(scope, "c"))
    .where("c.path", "=", path)
    .where((eb) =>
      eb.or(
        ranges.map(([start, end]) =>
          eb.and([eb("c.start_line", "<=", end), eb("c.end_line", ">=", start)]),
        ),
      ),
    )
    .execute();
  return [...new Set(rows.flatMap((row) => row.symbols))];
}

/**
 * Nearest chunks by cosine distance on the HNSW index of the model's dimension, filtered by
 * installation, repository and model. pgvector's iterative index scan keeps scanning the graph
 * until `limit` rows pass the filter, so one repository among many still gets its results.
 */
export async function findSimilar(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  embedding: { model: string; vector: number[] },
  limit: number,
  options: { efSearch?: number } = {},
): Promise<(FoundChunk & { distance: number })[]> {
  const column = embeddingColumn(embedding.vector.length);
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL hnsw.iterative_scan = relaxed_order`.execute(trx);
    await sql`SET LOCAL hnsw.ef_search = ${sql.lit(options.efSearch ?? 100)}`.execute(trx);
    const distance = cosineDistance(`c.${column}`, embedding.vector).$castTo<number>();
    const nearest = trx
      .selectFrom("code_chunks as c")
      .select([...CHUNK_COLUMNS, distance.as("distance")])
      .where(inRepository(scope, "c"))
      .where("c.embedding_model", "=", embedding.model)
      .orderBy(distance)
      .limit(limit)
      .as("nearest");
    // Relaxed order may return rows slightly out of order: sort the few again.
    return trx
      .selectFrom(nearest)
      .selectAll()
      .orderBy("distance")
      .execute()
      .then((rows) => rows.map((row) => ({ ...row, distance: Number(row.distance) })));
  });
}

/** The same query as an exact scan (no index), for measuring the index's recall. */
export async function findSimilarExact(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  embedding: { model: string; vector: number[] },
  limit: number,
): Promise<FoundChunk[]> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_indexscan = off`.execute(trx);
    await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
    const column = embeddingColumn(embedding.vector.length);
    const distance = cosineDistance(`c.${column}`, embedding.vector);
    return trx
      .selectFrom("code_chunks as c")
      .select(CHUNK_COLUMNS)
      .where(inRepository(scope, "c"))
      .where("c.embedding_model", "=", embedding.model)
      .orderBy(distance)
      .limit(limit)
      .execute();
  });
}

/** Chunks containing any of the identifiers `names` (full-text, GIN), best ts_rank first. */
export async function findByIdentifiers(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  names: string[],
  limit: number,
): Promise<FoundChunk[]> {
  const query = identifierQuery(names);
  if (query === null) return [];
  const tsquery = sql`to_tsquery('simple'::regconfig, ${query})`;
  return db
    .selectFrom("code_chunks as c")
    .select(CHUNK_COLUMNS)
    .where(inRepository(scope, "c"))
    .where(sql<boolean>`c.search_vector @@ ${tsquery}`)
    .orderBy(sql`ts_rank(c.search_vector, ${tsquery})`, "desc")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

function distinctChunks<T extends FoundChunk>(rows: T[]): FoundChunk[] {
  const seen = new Set<number>();
  const out: FoundChunk[] = [];
  for (const row of rows) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    out.push({
      id: row.id,
      path: row.path,
      start_line: row.start_line,
      end_line: row.end_line,
      content: row.content,
    });
  }
  return out;
}

/**
 * The definitions of `path` whose chunks overlap the given old-side line ranges: each name (not
 * `Class.method` forms) with the first line of its chunk. What a diff changes, signature or body.
 */
export async function findDefinitionsInRanges(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  path: string,
  ranges: [number, number][],
): Promise<{ name: string; path: string; line: number }[]> {
  if (ranges.length === 0) return [];
  const rows = await db
    .selectFrom("code_symbols as s")
    .innerJoin("code_chunks as c", "c.id", "s.chunk_id")
    .select(["s.name", "c.path", "c.start_line"])
    .where(inRepository(scope, "s"))
    .where(inRepository(scope, "c"))
    .where("s.role", "=", "definition")
    .where("c.path", "=", path)
    .where((eb) =>
      eb.or(
        ranges.map(([start, end]) =>
          eb.and([eb("c.start_line", "<=", end), eb("c.end_line", ">=", start)]),
        ),
      ),
    )
    .orderBy("c.start_line")
    .orderBy("s.name")
    .execute();
  const seen = new Set<string>();
  return rows
    .filter((row) => !row.name.includes(".") && !seen.has(row.name) && seen.add(row.name))
    .map((row) => ({ name: row.name, path: row.path, line: row.start_line }));
}

/**
 * Chunks of other files that reference `name` and whose file imports it from `paths` (the defining
 * file, or a barrel re-exporting it): by name (`import { name }`, aliased too) or as a namespace
 * (`import * as ns`, Go and Java package imports). What a change to `name` can break. Up to `limit`
 * chunks, those referencing it most first. Scoped to the repository.
 */
export async function findImportingCallers(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  name: string,
  paths: string[],
  limit: number,
): Promise<FoundChunk[]> {
  if (paths.length === 0) return [];
  return referenceRows(db, scope)
    .where("s.name", "=", name)
    .where("c.path", "not in", paths)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("code_imports as i")
          .select("i.id")
          .where("i.installation_id", "=", scope.installationId)
          .where("i.repository_id", "=", scope.repositoryId)
          .whereRef("i.path", "=", "c.path")
          .where("i.target_path", "in", paths)
          .where((eb) =>
            eb.or([
              eb.and([eb("i.kind", "in", ["named", "default"]), eb("i.imported_name", "=", name)]),
              eb("i.kind", "=", "namespace"),
            ]),
          ),
      ),
    )
    .groupBy(CHUNK_COLUMNS)
    .orderBy(sql`count(*)`, "desc")
    .orderBy("c.id")
    .limit(limit)
    .execute();
}

/** The files re-exporting something of `path` (`export { X } from`, `export * from`): barrels. */
export async function findReexporters(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  path: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("code_imports")
    .select("path")
    .distinct()
    .where("installation_id", "=", scope.installationId)
    .where("repository_id", "=", scope.repositoryId)
    .where("target_path", "=", path)
    .where("kind", "in", ["reexport", "reexport-all"])
    .orderBy("path")
    .execute();
  return rows.map((row) => row.path);
}
