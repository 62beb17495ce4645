import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import type { Metrics } from "../metrics/create-metrics.ts";
import type { ReviewJobDependencies } from "../review/review-job-handler.ts";
import type { Clients } from "./create-clients.ts";

/**
 * What the job handlers are built from. The composition root (build-runtime.ts) passes every
 * client; a test may leave a client out (it is then built from `config`) or pass a fake.
 */
export type WorkerDependencies = Partial<Clients> & {
  config: Config;
  db: Database;
  boss: PgBoss;
  log: Logger;
  /** Authenticates as an installation (`probot.auth(id)`). */
  probot: Probot;
  now?: () => Date;
  /** Where review outcomes, tokens, cost and job failures are counted (absent: not counted). */
  metrics?: Metrics;
  /** Replaces the review's context, memory or gate (by default the index and team memory). */
  reviewExtensions?: ReviewJobDependencies["reviewExtensions"];
  /** Replaces what runs before each review (by default team memory's reactions and addressed findings). */
  beforeReview?: ReviewJobDependencies["beforeReview"];
};
