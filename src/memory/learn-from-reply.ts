import type { Logger } from "pino";
import type { Database } from "../db/open-database.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import type { Octokit } from "../github/github-types.ts";
import { listPullRequestFiles } from "../github/list-pull-request-files.ts";
import { readRepositoryFile } from "../github/read-repository-file.ts";
import { filterOutgoingText } from "../safety/filter-outgoing-text.ts";
import { repositoryLinks } from "../safety/repository-links.ts";
import { redactSecrets } from "../safety/scan-secrets.ts";
import type { ConversationModel } from "./conversation-model.ts";
import { buildReplyPrompt, excerptAround, REPLY_SYSTEM_PROMPT } from "./build-reply-prompt.ts";
import type { LearnFromReplyJob } from "../queue/memory-jobs.ts";
import { memoriesWithVectors, memoryFromSource, rememberStatement } from "./memory-store.ts";
import { memoryApplies, renderMemoryLine } from "./select-memories.ts";
import { createTeacherStanding } from "./teacher-standing.ts";

/** Marks Revue's answer to one reply, so a retried job never answers twice. */
export function replyMarker(replyCommentId: number): string {
  return `<!-- revue:reply:${replyCommentId} -->`;
}

export type LearnOutcome =
  "learned" | "answered" | "ignored" | "not-a-teacher" | "already-done" | "gone";

/**
 * Reads a reply in a thread Revue started and acts on it, if its author may teach (README, who
 * may teach): a correction or a team preference becomes a memory (repository-wide from someone
 * with write access, scoped to their own pull requests from the pull request's author without
 * it) and Revue says "Noted: ..." with how to undo it; a correction also marks the finding
 * rebutted (for the repository by a writer, for this pull request by its author); a question gets
 * an answer from the diff and the file; anything else gets nothing. A reply by anyone else is
 * dropped before Revue reads the thread or pays for the model. Safe to retry (the answer carries a
 * marker; a memory is stored once per reply). Throws GitHub's errors and the model's
 * (ModelRetryableError is retried by the queue).
 */
export async function learnFromReply(
  deps: {
    db: Database;
    embedder: Embedder;
    octokit: Octokit;
    model: ConversationModel;
    slug: string;
    ownSecrets: string[];
  },
  job: LearnFromReplyJob,
  log: Logger,
): Promise<LearnOutcome> {
  const { db, octokit, slug } = deps;
  const repo = { owner: job.owner, repo: job.repo };
  const finding = await db
    .selectFrom("findings")
    .selectAll()
    .where("id", "=", job.findingId)
    .where("installation_id", "=", job.installationId)
    .executeTakeFirst();
  if (!finding) return "gone";

  const standing = await createTeacherStanding(octokit, {
    ...repo,
    pullNumber: job.pullNumber,
  })(job.login);
  if (standing === "outsider") {
    log.info({ login: job.login, finding: finding.id }, "reply by someone who may not teach");
    return "not-a-teacher";
  }
  const writer = standing === "writer";

  const all = await octokit.paginate(octokit.rest.pulls.listReviewComments, {
    ...repo,
    pull_number: job.pullNumber,
    per_page: 100,
  });
  const thread = all
    .filter((c) => c.id === job.rootCommentId || c.in_reply_to_id === job.rootCommentId)
    .sort((a, b) => a.id - b.id);
  const bot = `${slug}[bot]`.toLowerCase();
  const marker = replyMarker(job.replyCommentId);
  if (thread.some((c) => c.body?.includes(marker))) return "already-done";
  const upToReply = thread.filter((c) => c.id <= job.replyCommentId);
  if (!upToReply.some((c) => c.id === job.replyCommentId)) return "gone";

  const files = await listPullRequestFiles(octokit, { ...repo, pullNumber: job.pullNumber });
  const patch = files.find((f) => f.filename === finding.path)?.patch ?? null;
  const fileExcerpt = await readExcerpt(
    octokit,
    repo,
    finding.path,
    finding.head_sha,
    finding.line,
  );
  const memories = (
    await memoriesWithVectors(db, {
      installationId: job.installationId,
      repositoryId: job.repositoryId,
    })
  )
    .filter((m) => memoryApplies(m, job.login, [finding.path]))
    .slice(0, 30)
    .map(renderMemoryLine)
    .join("\n");

  const analysis = await deps.model.analyzeReply({
    system: REPLY_SYSTEM_PROMPT,
    prompt: buildReplyPrompt({
      finding: {
        path: finding.path,
        line: finding.line,
        title: finding.title,
        body: finding.body,
        quotedCode: finding.quoted_code,
      },
      thread: upToReply.map((c) => ({
        login: c.user?.login ?? "someone",
        isRevue: (c.user?.login ?? "").toLowerCase() === bot,
        body: c.body ?? "",
      })),
      patch,
      fileExcerpt,
      memories,
    }),
  });
  log.info({ intent: analysis.intent, finding: finding.id }, "reply read");

  // What the model wrote is filtered before it is stored or posted (links only to this repository).
  const links = repositoryLinks(octokit.request.endpoint.DEFAULTS.baseUrl, repo);
  const modelText = (text: string, inline = false) => filterOutgoingText(text, { links, inline });
  const answer = async (text: string) => {
    const safe = redactSecrets(text, deps.ownSecrets).text;
    await octokit.rest.pulls.createReplyForReviewComment({
      ...repo,
      pull_number: job.pullNumber,
      comment_id: job.rootCommentId,
      body: `${safe}\n\n${marker}`,
    });
  };

  if (analysis.intent === "correction") {
    // The author's rebuttal is kept apart: it weighs on their own pull request only.
    await db
      .updateTable("findings")
      .set(writer ? { rebutted: true } : { author_rebutted: true })
      .where("id", "=", finding.id)
      .execute();
  }
  const { learning } = analysis;
  const statement = learning ? modelText(learning.statement, true) : "";
  if (
    (analysis.intent === "correction" || analysis.intent === "preference") &&
    learning &&
    statement
  ) {
    const earlier = await memoryFromSource(db, job.installationId, job.replyUrl);
    const memory =
      earlier ??
      (await rememberStatement(db, deps.embedder, {
        installation_id: job.installationId,
        repository_id: job.repositoryId,
        // The pull request's author without write access teaches for their own pull requests only.
        author: writer ? null : job.login,
        path_glob: learning.pathGlob,
        kind: learning.kind,
        source: "reply",
        statement,
        taught_by: job.login,
        source_url: job.replyUrl,
        finding_id: finding.id,
      }));
    const scope = memory.author ? ` It applies to pull requests by @${memory.author}.` : "";
    await answer(`Noted: ${memory.statement} (undo: \`@${slug} forget ${memory.id}\`)${scope}`);
    return "learned";
  }
  const reply = analysis.intent === "question" ? modelText(analysis.answer?.trim() ?? "") : "";
  if (reply.trim()) {
    await answer(reply.trim());
    return "answered";
  }
  return "ignored";
}

/** Lines around the finding in the file at the commit it was made on; null when unreadable. */
async function readExcerpt(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  path: string,
  ref: string,
  line: number | null,
): Promise<string | null> {
  const file = await readRepositoryFile(octokit, repo, path, ref);
  return file === null ? null : excerptAround(file.bytes.toString("utf8"), line);
}
