import type { DashboardScope } from "./dashboard-types.ts";

/**
 * The scope's ids, or null when it can match nothing (either list empty): the caller answers
 * "nothing" without a query, since `IN ()` is not valid SQL.
 */
export function scopeIds(scope: DashboardScope): DashboardScope | null {
  if (scope.installationIds.length === 0 || scope.repositoryIds.length === 0) return null;
  return scope;
}
