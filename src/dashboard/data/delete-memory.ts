import type { Database } from "../../db/open-database.ts";
import type { DashboardScope } from "./dashboard-types.ts";
import { scopeIds } from "./in-scope.ts";

/**
 * Deletes one memory of a repository in `scope`. Returns false, deleting nothing, when the memory
 * does not exist, belongs to a repository or installation outside the scope, or applies to a
 * whole installation: seeing some of an installation's repositories is not enough to change what
 * Revue does on all of them (`@revue forget` on a pull request remains for those). Idempotent.
 */
export async function deleteMemory(
  db: Database,
  scope: DashboardScope,
  memoryId: number,
): Promise<boolean> {
  const ids = scopeIds(scope);
  if (!ids) return false;
  const result = await db
    .deleteFrom("memories")
    .where("id", "=", memoryId)
    .where("installation_id", "in", ids.installationIds)
    .where("repository_id", "in", ids.repositoryIds)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
