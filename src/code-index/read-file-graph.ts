import { sql } from "kysely";
import type { CodeIndexDatabase } from "./code-index-tables.ts";
import type { RepositoryScope } from "./code-index-store.ts";

/** `from` references names `to` defines (or imports `to`), with up to three of those names. */
export type FileEdge = { from: string; to: string; weight: number; names: string[] };

/** A name defined in more files than this says little about which one a use means (`get`, `init`). */
const MAX_DEFINING_FILES = 5;

/**
 * The repository's graph of files, in two queries: an edge from each file to each file defining a
 * name it references (weight √uses divided by how many files define the name, so an ambiguous name
 * counts less, as in Aider's repository map; names in `mentioned`, the ones the change uses, count
 * ten times; names defined in more than MAX_DEFINING_FILES files are left out), plus one per recorded
 * import to the file it resolves to. Self-edges are left out. Bounded: the `maxEdges` heaviest
 * edges of each kind. Scoped to the repository.
 */
export async function readFileGraph(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  options: { mentioned: readonly string[]; maxEdges: number },
): Promise<FileEdge[]> {
  const { installationId, repositoryId } = scope;
  const boost =
    options.mentioned.length > 0
      ? sql`CASE WHEN r.name IN (${sql.join(options.mentioned.map((name) => sql`${name}`))}) THEN 10 ELSE 1 END`
      : sql`1`;
  const symbols = (role: "definition" | "reference") => sql`
    SELECT s.name, c.path, count(*) AS uses
    FROM code_symbols s JOIN code_chunks c ON c.id = s.chunk_id
    WHERE s.installation_id = ${installationId} AND s.repository_id = ${repositoryId}
      AND c.installation_id = ${installationId} AND c.repository_id = ${repositoryId}
      AND s.role = ${role} AND strpos(s.name, '.') = 0
    GROUP BY s.name, c.path`;
  const references = await sql<{ from: string; to: string; weight: number; names: string[] }>`
    WITH defs AS (${symbols("definition")}),
      spread AS (
        SELECT name, count(*) AS files FROM defs GROUP BY name
        HAVING count(*) <= ${MAX_DEFINING_FILES}
      ),
      refs AS (${symbols("reference")})
    SELECT r.path AS "from", d.path AS "to",
      sum(${boost} * sqrt(r.uses) / spread.files)::float8 AS weight,
      (array_agg(r.name ORDER BY ${boost} * r.uses DESC, r.name))[1:3] AS names
    FROM refs r
      JOIN spread ON spread.name = r.name
      JOIN defs d ON d.name = r.name AND d.path <> r.path
    GROUP BY r.path, d.path
    ORDER BY weight DESC, r.path, d.path
    LIMIT ${options.maxEdges}`.execute(db);
  const imports = await db
    .selectFrom("code_imports")
    .select(["path as from", "target_path as to", sql<number>`count(*)::float8`.as("weight")])
    .where("installation_id", "=", installationId)
    .where("repository_id", "=", repositoryId)
    .where("target_path", "is not", null)
    .whereRef("target_path", "<>", "path")
    .groupBy(["path", "target_path"])
    .orderBy("weight", "desc")
    .orderBy("path")
    .limit(options.maxEdges)
    .execute();
  return [
    ...references.rows.map((row) => ({ ...row, weight: Number(row.weight) })),
    ...imports.map((row) => ({
      from: row.from,
      to: row.to!,
      weight: Number(row.weight),
      names: [],
    })),
  ];
}
