import { deleteMemory } from "../data/delete-memory.ts";
import { readOverview } from "../data/read-overview.ts";
import { readRepository } from "../data/read-repository.ts";
import { readReview } from "../data/read-review.ts";
import { DASHBOARD_CSS } from "../pages/dashboard-css.ts";
import { renderOverviewPage } from "../pages/render-overview-page.ts";
import { renderRepositoryPage } from "../pages/render-repository-page.ts";
import { renderReviewPage } from "../pages/render-review-page.ts";
import type { DashboardPages } from "./dashboard-pages.ts";
import type { Overview, RepositoryDetail, ReviewDetail } from "../data/dashboard-types.ts";

/** The dashboard's real data reads and pages (src/dashboard/data and pages), as the routes call them. */
export const DEFAULT_DASHBOARD_PAGES: DashboardPages<Overview, RepositoryDetail, ReviewDetail> = {
  readOverview,
  readRepository,
  readReview,
  deleteMemory,
  renderOverviewPage,
  renderRepositoryPage,
  renderReviewPage,
  stylesheet: DASHBOARD_CSS,
};
