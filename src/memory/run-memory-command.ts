import type { Logger } from "pino";
import type { Database } from "../db/open-database.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import type { Octokit } from "../github/github-types.ts";
import { listIssueComments } from "../github/list-issue-comments.ts";
import type { MemoryCommandJob } from "../queue/memory-jobs.ts";
import {
  forgetMemories,
  forgetMemory,
  listMemories,
  memoryFromSource,
  rememberStatement,
} from "./memory-store.ts";
import { isStale, renderMemoryTable } from "./render-memories.ts";

/** Marks Revue's answer to one command comment, so a retried job never answers twice. */
export function commandMarker(commentUrl: string): string {
  return `<!-- revue:memory-command:${commentUrl} -->`;
}

/**
 * Runs `remember`, `forget` or `memories` and answers on the pull request. The handler checked
 * permission. Safe to retry: an answer already posted (found by its marker) ends the job, and a
 * remembered statement is not stored twice for the same comment.
 */
export async function runMemoryCommand(
  deps: { db: Database; embedder: Embedder; octokit: Octokit; slug: string; now: () => Date },
  job: MemoryCommandJob,
  log: Logger,
): Promise<void> {
  const { db, octokit, slug } = deps;
  const repo = { owner: job.owner, repo: job.repo };
  const marker = commandMarker(job.commentUrl);
  const existing = await listIssueComments(octokit, { ...repo, issueNumber: job.pullNumber });
  if (existing.some((c) => c.body?.includes(marker))) {
    log.info("this command was already answered");
    return;
  }
  const scope = { installationId: job.installationId, repositoryId: job.repositoryId };
  let body: string;
  const command = job.command;
  if (command.kind === "remember") {
    const earlier = await memoryFromSource(db, job.installationId, job.commentUrl);
    const memory =
      earlier ??
      (await rememberStatement(db, deps.embedder, {
        installation_id: job.installationId,
        repository_id: job.repositoryId,
        author: null,
        path_glob: null,
        kind: "convention",
        source: "command",
        statement: command.text,
        taught_by: job.login,
        source_url: job.commentUrl,
        finding_id: null,
      }));
    body = `Noted: ${memory.statement} (memory ${memory.id}; undo: \`@${slug} forget ${memory.id}\`)`;
    log.info({ memory: memory.id, login: job.login }, "memory remembered by command");
  } else if (command.kind === "forget") {
    const forgotten = await forgetMemory(db, { ...scope, id: command.id });
    body = forgotten
      ? `Forgotten: memory ${forgotten.id} ("${forgotten.statement}").`
      : `There is no memory ${command.id} in this repository. \`@${slug} memories\` lists them.`;
    log.info({ memory: command.id, found: Boolean(forgotten) }, "forget command");
  } else if (command.kind === "forget-stale") {
    const stale = (await listMemories(db, scope)).filter((m) => isStale(m, deps.now()));
    const forgotten = await forgetMemories(db, { ...scope, ids: stale.map((m) => m.id) });
    body =
      forgotten.length === 0
        ? "No memory here is stale."
        : `Forgotten ${forgotten.length} stale memor${forgotten.length === 1 ? "y" : "ies"}:\n${forgotten.map((m) => `- ${m.id}: ${m.statement}`).join("\n")}`;
    log.info({ forgotten: forgotten.length }, "forget stale command");
  } else {
    body = renderMemoryTable(await listMemories(db, scope), slug, deps.now());
  }
  await octokit.rest.issues.createComment({
    ...repo,
    issue_number: job.pullNumber,
    body: `${body}\n\n${marker}`,
  });
}
