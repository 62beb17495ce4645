import type { CodeIndexDatabase } from "./code-index-tables.ts";
import type { RepositoryScope } from "./code-index-store.ts";
import type { ImportKind } from "./imported-name.ts";

export type FoundImport = {
  path: string;
  line: number;
  kind: ImportKind;
  importedName: string | null;
  localName: string | null;
  targetPath: string | null;
};

/** The recorded imports and re-exports of `paths` (code_imports), in file and line order. */
export async function findImports(
  db: CodeIndexDatabase,
  scope: RepositoryScope,
  paths: string[],
): Promise<FoundImport[]> {
  if (paths.length === 0) return [];
  const rows = await db
    .selectFrom("code_imports")
    .select(["path", "line", "kind", "imported_name", "local_name", "target_path"])
    .where("installation_id", "=", scope.installationId)
    .where("repository_id", "=", scope.repositoryId)
    .where("path", "in", paths)
    .orderBy("path")
    .orderBy("line")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({
    path: row.path,
    line: row.line,
    kind: row.kind,
    importedName: row.imported_name,
    localName: row.local_name,
    targetPath: row.target_path,
  }));
}
