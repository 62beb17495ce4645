import type { IncomingMessage, ServerResponse } from "node:http";
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
import { answerWhileStarting } from "./answer-while-starting.ts";
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
 *
 * `deps` may still be coming (a server that listens while its database is opened and migrated):
 * until it resolves, deliveries wait in their handlers (answered 500 if it takes longer than the
 * webhook deadline, see answer-generic-failure.ts) and the routes answer as answerWhileStarting
 * says. A rejected `deps` is the caller's to report; the routes then keep answering "starting".
 */
export function createApp(deps: AppDependencies | Promise<AppDependencies>): ApplicationFunction {
  return (app: Probot, { addHandler }) => {
    registerWebhookHandlers(app, deps);
    let routes: Handler[] | undefined;
    if (deps instanceof Promise) {
      deps.then(
        (ready) => (routes = appRoutes(app, ready)),
        () => {},
      );
    } else {
      routes = appRoutes(app, deps);
    }
    addHandler(async (req, res) => {
      if (!routes) return answerWhileStarting(req, res);
      for (const route of routes) if (await route(req, res)) return true;
      return false;
    });
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

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Revue's HTTP routes besides webhooks: health, the dashboard, metrics. */
function appRoutes(app: Probot, deps: AppDependencies): Handler[] {
  return [
    healthRoutes({ db: deps.db, boss: deps.boss, queueSchema: deps.queueSchema }),
    dashboardRoutes({
      config: deps.config,
      db: deps.db,
      pages: deps.dashboardPages ?? DEFAULT_DASHBOARD_PAGES,
      queueSchema: deps.queueSchema,
      log: app.log,
      fetch: deps.fetch,
    }),
    ...(deps.metrics
      ? [metricsRoute(deps.metrics, { boss: deps.boss, schema: deps.queueSchema ?? "pgboss" })]
      : []),
  ];
}

/**
 * The webhook handlers alone (check, shape, enqueue), without HTTP routes: what the AWS Lambda
 * webhook function loads, and what `createApp` registers first. A failing handler answers 500
 * with a generic message (answerGenericFailure), never the error's.
 */
export function registerWebhookHandlers(
  app: Probot,
  whenReady: AppDependencies | Promise<AppDependencies>,
): void {
  const guard = <C extends { id: string; name: string }>(
    handler: (deps: AppDependencies, context: C) => Promise<unknown>,
  ) => answerGenericFailure(app.log, async (context: C) => handler(await whenReady, context));
  app.on(
    REVIEW_ACTIONS.map((action) => `pull_request.${action}` as const),
    guard((deps, context) => handlePullRequest(deps, context)),
  );
  app.on(
    "issue_comment.created",
    guard((deps, context) => handleIssueComment({ ...deps, probot: app }, context)),
  );
  app.on(
    ["installation", "installation_repositories"],
    guard((deps, context) => handleInstallation(deps, context)),
  );
  app.on(
    "push",
    guard((deps, context) => handlePush(deps, context)),
  );
  // Team memory: replies in Revue's threads, and reactions read when a pull request closes.
  app.on(
    "pull_request_review_comment.created",
    guard((deps, context) => handleReviewCommentReply({ ...deps, probot: app }, context)),
  );
  app.on(
    "pull_request.closed",
    guard((deps, context) => handlePullRequestClosed(deps, context)),
  );
}
