import type { Probot } from "probot";
import type { Database } from "../db/open-database.ts";
import type { Octokit } from "../github/github-types.ts";
import type { JobHandler } from "../queue/jobs.ts";
import { redeliverFailedDeliveries } from "./redeliver-failed-deliveries.ts";

/** The `redeliver-failed-deliveries` job: asks GitHub, as the App, to redeliver what was lost. */
export function createRedeliveryJobHandler(deps: {
  db: Database;
  /** `probot.auth()` without an installation: the App itself. */
  probot: Probot;
  now?: () => Date;
}): JobHandler<"redeliver-failed-deliveries"> {
  return async (_payload, context) => {
    const appOctokit = (await deps.probot.auth()) as Octokit;
    await redeliverFailedDeliveries({ db: deps.db, appOctokit, log: context.log, now: deps.now });
  };
}
