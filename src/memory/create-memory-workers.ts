import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Config } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";
import { getAppSlug } from "../github/get-app-slug.ts";
import { getPullRequest } from "../github/get-pull-request.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import type { Octokit } from "../github/github-types.ts";
import type { FindingGate, MemoryProvider } from "../review/review-extensions.ts";
import type { JobHandler, ReviewJob } from "../queue/jobs.ts";
import type { ConversationModel } from "./conversation-model.ts";
import { collectReactions } from "./collect-reactions.ts";
import { detectAddressed } from "./detect-addressed.ts";
import { learnFromReply } from "./learn-from-reply.ts";
import { createMemoryGate, createMemoryProvider } from "./memory-extensions.ts";
import { runMemoryCommand } from "./run-memory-command.ts";

/** What team memory's workers use, built once by the composition root (src/runtime). */
export type MemoryWorkerDependencies = {
  config: Config;
  db: Database;
  /** Authenticates as an installation (`probot.auth(id)`) and names the App (its slug). */
  probot: Probot;
  /** Embeds memories and the findings the gate compares with them. */
  embedder: Embedder;
  /** Reads replies in Revue's threads; null without ANTHROPIC_API_KEY (replies are then skipped). */
  conversationModel: ConversationModel | null;
  now?: () => Date;
};

/** The memory slot and the finding gate of every review, from configuration. */
export function createMemoryReviewExtensions(
  deps: Pick<MemoryWorkerDependencies, "config" | "db" | "embedder" | "now">,
): {
  memory: MemoryProvider;
  gate: FindingGate;
} {
  const options = {
    db: deps.db,
    embedder: deps.embedder,
    gateThreshold: deps.config.memory.gateThreshold,
    maxTokens: deps.config.memory.maxTokens,
    now: deps.now,
  };
  return { memory: createMemoryProvider(options), gate: createMemoryGate(options) };
}

/**
 * Runs before each review of a pull request (inside the review job): reads the reactions on
 * Revue's earlier comments and marks findings whose lines the new head changed as addressed.
 */
export function createBeforeReview(
  deps: Pick<MemoryWorkerDependencies, "db" | "now">,
): (octokit: Octokit, job: ReviewJob, log: Logger) => Promise<void> {
  return async (octokit, job, log) => {
    const target = {
      installationId: job.installationId,
      repositoryId: job.repositoryId,
      owner: job.owner,
      repo: job.repo,
      pullNumber: job.pullNumber,
    };
    const posted = await deps.db
      .selectFrom("findings")
      .select("id")
      .where("installation_id", "=", job.installationId)
      .where("repository_id", "=", job.repositoryId)
      .where("pull_number", "=", job.pullNumber)
      .where("github_comment_id", "is not", null)
      .limit(1)
      .executeTakeFirst();
    if (!posted) return;
    const pr = await getPullRequest(octokit, target);
    await collectReactions(
      deps.db,
      octokit,
      { ...target, pullAuthor: pr.user.login },
      log,
      deps.now,
    );
    await detectAddressed(deps.db, octokit, target, pr.head.sha, log, deps.now);
  };
}

/** The workers of `memory-command`, `learn-from-reply` and `collect-reactions`. */
export function createMemoryJobHandlers(deps: MemoryWorkerDependencies): {
  "memory-command": JobHandler<"memory-command">;
  "learn-from-reply": JobHandler<"learn-from-reply">;
  "collect-reactions": JobHandler<"collect-reactions">;
} {
  const now = deps.now ?? (() => new Date());
  const model = deps.conversationModel;
  const { config } = deps;
  const ownSecrets = [
    config.model.apiKey,
    config.github.privateKey,
    config.github.webhookSecret,
  ].filter((secret): secret is string => Boolean(secret));
  const auth = async (installationId: number) =>
    (await deps.probot.auth(installationId)) as Octokit;
  return {
    "memory-command": async (job, context) => {
      const octokit = await auth(job.installationId);
      const slug = await getAppSlug(deps.probot);
      await runMemoryCommand(
        { db: deps.db, embedder: deps.embedder, octokit, slug, now },
        job,
        context.log,
      );
    },
    "learn-from-reply": async (job, context) => {
      if (!model) {
        context.log.warn("ANTHROPIC_API_KEY is not set: a reply to Revue was not read");
        return;
      }
      const octokit = await auth(job.installationId);
      const slug = await getAppSlug(deps.probot);
      const outcome = await learnFromReply(
        { db: deps.db, embedder: deps.embedder, octokit, model, slug, ownSecrets },
        job,
        context.log,
      );
      context.log.info({ outcome }, "reply handled");
    },
    "collect-reactions": async (job, context) => {
      const octokit = await auth(job.installationId);
      await collectReactions(deps.db, octokit, job, context.log, now);
    },
  };
}
