import type { ApplicationFunction, Probot } from "probot";
import type { PgBoss } from "pg-boss";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import { handleInstallation } from "../handlers/installation.ts";
import { handleIssueComment } from "../handlers/issue-comment.ts";
import { handlePullRequest, REVIEW_ACTIONS } from "../handlers/pull-request.ts";
import { healthRoutes } from "../http/health-routes.ts";

export type AppDependencies = {
  config: Config;
  db: Database;
  boss: PgBoss;
};

/**
 * The Probot app: registers webhook handlers and Revue's HTTP routes. Handlers only check, shape
 * and enqueue; the workers (see start-workers.ts) do the work.
 */
export function createApp(deps: AppDependencies): ApplicationFunction {
  return (app: Probot, { addHandler }) => {
    app.on(
      REVIEW_ACTIONS.map((action) => `pull_request.${action}` as const),
      (context) => handlePullRequest(deps, context),
    );
    app.on("issue_comment.created", (context) =>
      handleIssueComment({ ...deps, probot: app }, context),
    );
    app.on(["installation", "installation_repositories"], (context) =>
      handleInstallation(deps, context),
    );
    addHandler(healthRoutes({ db: deps.db, boss: deps.boss }));
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
