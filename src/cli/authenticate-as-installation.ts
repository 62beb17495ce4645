import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import type { Config } from "../config/read-config.ts";
import { getAppSlug } from "../github/get-app-slug.ts";
import { statusOf, type Octokit, type RepoRef } from "../github/github-types.ts";
import { CliError } from "./cli-error.ts";

/** The App's installation on one repository: an Octokit acting as it, and the App's slug. */
export type InstallationClient = { octokit: Octokit; installationId: number; slug: string };

/**
 * Acts as the GitHub App on `repository`, the way the workers do (`probot.auth(installationId)`):
 * a JWT signed with the App's private key finds the installation
 * (`GET /repos/{owner}/{repo}/installation`), whose token the returned Octokit uses.
 * Throws CliError when APP_ID or the private key is missing, or the App is not installed on the
 * repository (404); GitHub's other errors as they are.
 */
export async function authenticateAsInstallation(
  config: Pick<Config, "github">,
  repository: RepoRef,
  log: Logger,
  Octokit: typeof ProbotOctokit = ProbotOctokit,
): Promise<InstallationClient> {
  const { appId, privateKey, apiBaseUrl } = config.github;
  if (!appId || !privateKey) {
    const missing = [
      ...(appId ? [] : ["APP_ID (the numeric App ID on the GitHub App's settings page)"]),
      ...(privateKey
        ? []
        : ["PRIVATE_KEY or PRIVATE_KEY_PATH (the App's private key, a .pem file)"]),
    ];
    throw new CliError(
      `--post posts as Revue's GitHub App and needs ${missing.join(" and ")}. Set ` +
        `${missing.length === 1 ? "it" : "them"} in the environment, as for the App (README.md, "Configuration"), ` +
        "or leave out --post to print the review instead.",
    );
  }
  const probot = new Probot({
    appId,
    privateKey,
    // The command line receives no webhooks; Probot wants a secret all the same.
    secret: randomBytes(32).toString("hex"),
    baseUrl: apiBaseUrl,
    log,
    Octokit,
  });
  const app = (await probot.auth()) as Octokit;
  let installationId: number;
  try {
    const { data } = await app.rest.apps.getRepoInstallation({
      owner: repository.owner,
      repo: repository.repo,
    });
    installationId = data.id;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    throw new CliError(
      `The GitHub App (APP_ID ${appId}) is not installed on ${repository.owner}/${repository.repo}, so it ` +
        "cannot post there. Install it on that repository (the App's settings page, Install App), " +
        "or check that APP_ID and the private key are this App's.",
      { cause: error },
    );
  }
  const octokit = (await probot.auth(installationId)) as Octokit;
  return { octokit, installationId, slug: await getAppSlug(probot) };
}
