import type { ApplicationFunction, Probot } from "probot";
import type { PgBoss } from "pg-boss";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import type { GroupCommitIntake } from "../handlers/group-commit-intake.ts";
import { handleInstallation } from "../handlers/installation.ts";
import { handleIssueComment } from "../handlers/issue-comment.ts";
import { handlePush } from "../handlers/push.ts";
import { handlePullRequest, REVIEW_ACTIONS } from "../handlers/pull-request.ts";
import { answerGenericFailure } from "./answer-generic-failure.ts";
import { healthRoutes } from "./health-routes.ts";
import type { Metrics } from "../metrics/create-metrics.ts";
import { metricsRoute } from "./metrics-route.ts";
import { handlePullRequestClosed } from "../handlers/pull-request-closed.ts";
import { handleReviewCommentReply } from "../handlers/review-comment-reply.ts";
import type { DashboardPages } from "../dashboard/web/dashboard-pages.ts";
import { dashboardRoutes } from "../dashboard/web/dashboard-routes.ts";
import { DEFAULT_DASHBOARD_PAGES } from "../dashboard/web/default-dashboard-pages.ts";

export type AppDependencies = {
  config: Config;
  db: Database;
  boss: PgBoss;
  /** Serves `GET /metrics` when present; `queueSchema` is pg-boss's schema (default `pgboss`). */
  metrics?: Metrics;
  queueSchema?: string;
  /** The dashboard's data and pages (src/dashboard); tests of the routes alone pass their own. */
  dashboardPages?: DashboardPages<unknown, unknown, unknown>;
  /** GitHub's sign-in and user API for the dashboard; tests pass a stand-in's. */
  fetch?: typeof fetch;
  /**
   * Writes concurrent deliveries in one transaction (a long-running web process); without it each
   * delivery has a transaction of its own (AWS Lambda: one delivery per invocation).
   */
  intake?: GroupCommitIntake;
};

/**
 * The Probot app: registers webhook handlers and Revue's HTTP routes. Handlers only check, shape
 * and enqueue; the workers (see start-workers.ts) do the work.
 */
export function createApp(deps: AppDependencies): ApplicationFunction {
  return (app: Probot, { addHandler }) => {
    registerWebhookHandlers(app, deps);
    addHandler(healthRoutes({ db: deps.db, boss: deps.boss, queueSchema: deps.queueSchema }));
    addHandler(
      dashboardRoutes({
        config: deps.config,
        db: deps.db,
        pages: deps.dashboardPages ?? DEFAULT_DASHBOARD_PAGES,
        queueSchema: deps.queueSchema,
        log: app.log,
        fetch: deps.fetch,
      }),
    );
    if (deps.metrics) {
      addHandler(
        metricsRoute(deps.metrics, { boss: deps.boss, schema: deps.queueSchema ?? "pgboss" }),
      );
    }
    // The manifest flow registers the webhook at the site root; Probot listens on
    // /api/github/webhooks. Accept both, with the same signature check.
    const rootWebhooks = app.getNodeMiddleware({ path: "/" });
    addHandler(async (req, res) =>
      req.method === "POST" && req.url?.split("?")[0] === "/"
        ? (await rootWebhooks)(req, res)
        : false,
    );
  };
}

/**
 * The webhook handlers alone (check, shape, enqueue), without HTTP routes: what the AWS Lambda
 * webhook function loads, and what `createApp` registers first. A failing handler answers 500
 * with a generic message (answerGenericFailure), never the error's.
 */
export function registerWebhookHandlers(app: Probot, deps: AppDependencies): void {
  const guard = <C extends { id: string; name: string }>(
    handler: (context: C) => Promise<unknown>,
  ) => answerGenericFailure(app.log, handler);
  app.on(
    REVIEW_ACTIONS.map((action) => `pull_request.${action}` as const),
    guard((context) => handlePullRequest(deps, context)),
  );
  app.on(
    "issue_comment.created",
    guard((context) => handleIssueComment({ ...deps, probot: app }, context)),
  );
  app.on(
    ["installation", "installation_repositories"],
    guard((context) => handleInstallation(deps, context)),
  );
  app.on(
    "push",
    guard((context) => handlePush(deps, context)),
  );
  // Team memory: replies in Revue's threads, and reactions read when a pull request closes.
  app.on(
    "pull_request_review_comment.created",
    guard((context) => handleReviewCommentReply({ ...deps, probot: app }, context)),
  );
  app.on(
    "pull_request.closed",
    guard((context) => handlePullRequestClosed(deps, context)),
  );
}
