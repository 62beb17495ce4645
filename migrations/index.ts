import type { Migration } from "kysely/migration";
import * as initial from "./20261127T0500_initial.ts";
import * as codeIndex from "./20261127T0600_code_index.ts";
import * as memories from "./20261127T0700_memories.ts";
import * as reviewModelOutput from "./20261202T1000_review_model_output.ts";
import * as pullAuthorSignals from "./20261210T1000_pull_author_signals.ts";
import * as redeliveryRequests from "./20261211T0900_redelivery_requests.ts";
import * as reviewSpendIndexes from "./20261211T1000_review_spend_indexes.ts";
import * as codeImports from "./20261211T1100_code_imports.ts";
import * as fullReviewRequests from "./20261212T1000_full_review_requests.ts";
import * as evalRuns from "./20261213T1200_eval_runs.ts";
import * as dashboard from "./20261214T1000_dashboard.ts";
import * as dashboardSessions from "./20261214T1100_dashboard_sessions.ts";
import * as reviewDailyRollup from "./20261217T1000_review_daily_rollup.ts";
import * as codeIndexWriteCost from "./20261218T1000_code_index_write_cost.ts";
import * as codeIndexTenantKeys from "./20261218T1100_code_index_tenant_keys.ts";

/**
 * Every migration, in order. Listed here rather than read from the folder so that a bundled
 * deployment (Lambda) carries them too. Names are timestamps: never rename or reorder one that shipped.
 */
export const migrations: Record<string, Migration> = {
  "20261127T0500_initial": initial,
  "20261127T0600_code_index": codeIndex,
  "20261127T0700_memories": memories,
  "20261202T1000_review_model_output": reviewModelOutput,
  "20261210T1000_pull_author_signals": pullAuthorSignals,
  "20261211T0900_redelivery_requests": redeliveryRequests,
  "20261211T1000_review_spend_indexes": reviewSpendIndexes,
  "20261211T1100_code_imports": codeImports,
  "20261212T1000_full_review_requests": fullReviewRequests,
  "20261213T1200_eval_runs": evalRuns,
  "20261214T1000_dashboard": dashboard,
  "20261214T1100_dashboard_sessions": dashboardSessions,
  "20261217T1000_review_daily_rollup": reviewDailyRollup,
  "20261218T1000_code_index_write_cost": codeIndexWriteCost,
  "20261218T1100_code_index_tenant_keys": codeIndexTenantKeys,
};
