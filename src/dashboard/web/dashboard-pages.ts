import type { Database } from "../../db/open-database.ts";
import type { DashboardScope, PageContext } from "../data/dashboard-types.ts";

export type { PageContext };

/**
 * The dashboard's data and pages, as the routes call them (contract in src/dashboard/README.md):
 * the read functions return null for anything outside `scope` (the route answers 404), and
 * `deleteMemory` false. `Overview`, `RepositoryDetail` and `ReviewDetail` are JSON-serialisable:
 * the API answers them as they are.
 */
export type DashboardPages<Overview, RepositoryDetail, ReviewDetail> = {
  readOverview(
    db: Database,
    scope: DashboardScope,
    range: { from: Date; to: Date; queueSchema?: string },
  ): Promise<Overview>;
  readRepository(
    db: Database,
    scope: DashboardScope,
    repositoryId: number,
  ): Promise<RepositoryDetail | null>;
  readReview(db: Database, scope: DashboardScope, reviewId: number): Promise<ReviewDetail | null>;
  deleteMemory(db: Database, scope: DashboardScope, memoryId: number): Promise<boolean>;
  renderOverviewPage(data: Overview, ctx: PageContext): string;
  renderRepositoryPage(data: RepositoryDetail, ctx: PageContext): string;
  renderReviewPage(data: ReviewDetail, ctx: PageContext): string;
  /** Served as `${basePath}/dashboard.css`. */
  stylesheet: string;
};
