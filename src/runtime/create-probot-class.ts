import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import type { Config } from "../config/read-config.ts";

/**
 * Probot with the App's credentials as defaults: the HTTP server makes its instance from it, the
 * workers and a Lambda authenticate with one. Needs no database, so the web server can listen
 * before the database is open. Throws nothing; the caller checks that the credentials exist.
 */
export function createProbotClass(options: {
  config: Config;
  log: Logger;
  /** Tests pass an Octokit class with throttling and retries off. */
  Octokit?: typeof ProbotOctokit;
}): typeof Probot {
  const { config, log } = options;
  return Probot.defaults({
    appId: config.github.appId,
    privateKey: config.github.privateKey,
    // No secret only on the setup page (the config refuses App credentials without one): a random
    // secret there, so no delivery verifies until the App exists.
    secret: config.github.webhookSecret ?? randomBytes(32).toString("hex"),
    baseUrl: config.github.apiBaseUrl,
    log,
    Octokit: options.Octokit ?? ProbotOctokit,
  });
}
