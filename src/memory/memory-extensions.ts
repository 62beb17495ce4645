import { fromSql, toSql } from "pgvector/kysely";
import type { Database } from "../db/open-database.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import type {
  FindingGate,
  MemoryProvider,
  SuppressedFinding,
} from "../review/review-extensions.ts";
import {
  decideGate,
  findingText,
  trustedSignals,
  verdictOf,
  type LabelledVector,
} from "./decide-gate.ts";
import { markMemoriesUsed, memoriesWithVectors } from "./memory-store.ts";
import { diffText, selectMemories } from "./select-memories.ts";

export type MemoryExtensionOptions = {
  db: Database;
  embedder: Embedder;
  /** REVUE_MEMORY_GATE_THRESHOLD. */
  gateThreshold: number;
  /** REVUE_MEMORY_MAX_TOKENS: the memory slot never exceeds this (nor the pipeline's own budget). */
  maxTokens: number;
  now?: () => Date;
};

/** At most this many past findings with a verdict are compared (the newest). */
const MAX_PAST_FINDINGS = 2000;

/**
 * Fills the prompt's memory slot with the memories that apply to this pull request (its
 * installation and repository, its author, its paths), most similar to the diff first, and counts
 * their use. Never crosses installations.
 */
export function createMemoryProvider(options: MemoryExtensionOptions): MemoryProvider {
  const now = options.now ?? (() => new Date());
  return async (scope, budgetTokens) => {
    const memories = await memoriesWithVectors(options.db, {
      installationId: scope.installationId,
      repositoryId: scope.repositoryId,
    });
    if (memories.length === 0) return { text: "", ids: [] };
    const [vector] = await options.embedder.embed([diffText(scope.files)]);
    const selected = selectMemories(
      memories,
      {
        author: scope.author,
        paths: scope.files.map((f) => f.path),
        vector: vector!,
        model: options.embedder.model,
      },
      Math.min(budgetTokens, options.maxTokens),
    );
    await markMemoriesUsed(options.db, selected.ids, now());
    scope.log.info({ memories: selected.ids }, "team memories in the prompt");
    return selected;
  };
}

/**
 * After the model: drops a new finding that is very similar to findings this repository's people
 * rejected (dismissed, rebutted, down-voted) unless it is at least as similar to one they accepted
 * (addressed, up-voted). Only people with write access decide across the repository; a pull
 * request's author without it, only on that pull request (`trustedSignals`). Past findings are
 * embedded lazily, once per embedding model.
 */
export function createMemoryGate(options: MemoryExtensionOptions): FindingGate {
  return async (scope, findings) => {
    if (findings.length === 0) return { kept: findings, suppressed: 0 };
    const past = await labelledPastFindings(options, scope);
    if (past.length === 0) return { kept: findings, suppressed: 0 };
    const vectors = await options.embedder.embed(
      findings.map((f) =>
        findingText({ category: f.category, title: f.title, explanation: f.explanation }),
      ),
    );
    const kept = [];
    const dropped: SuppressedFinding[] = [];
    for (const [index, finding] of findings.entries()) {
      const decision = decideGate(vectors[index]!, past, options.gateThreshold);
      if (decision.keep) kept.push(finding);
      else {
        dropped.push({
          finding,
          similarity: Number(decision.rejected.toFixed(3)),
          likeFindingId: decision.nearestRejectedId,
        });
        scope.log.info(
          {
            title: finding.title,
            similarity: Number(decision.rejected.toFixed(3)),
            like: decision.nearestRejectedId,
          },
          "finding suppressed by team memory",
        );
      }
    }
    return { kept, suppressed: findings.length - kept.length, dropped };
  };
}

/**
 * Past findings of the repository that carry a verdict for a review of `pullNumber`, with their
 * vectors (embedding them if needed).
 */
export async function labelledPastFindings(
  options: Pick<MemoryExtensionOptions, "db" | "embedder">,
  review: { installationId: number; repositoryId: number; pullNumber: number },
): Promise<LabelledVector[]> {
  const { db, embedder } = options;
  const { installationId, repositoryId, pullNumber } = review;
  const rows = await db
    .selectFrom("findings")
    .select([
      "id",
      "pull_number",
      "status",
      "rebutted",
      "thumbs_up",
      "thumbs_down",
      "author_rebutted",
      "author_thumbs_up",
      "author_thumbs_down",
      "category",
      "title",
      "body",
      "embedding",
      "embedding_model",
    ])
    .where("installation_id", "=", installationId)
    .where("repository_id", "=", repositoryId)
    .where((eb) =>
      eb.or([
        eb("status", "in", ["dismissed", "addressed"]),
        eb("rebutted", "=", true),
        eb("thumbs_up", ">", 0),
        eb("thumbs_down", ">", 0),
        eb.and([
          eb("pull_number", "=", pullNumber),
          eb.or([
            eb("author_rebutted", "=", true),
            eb("author_thumbs_up", ">", 0),
            eb("author_thumbs_down", ">", 0),
          ]),
        ]),
      ]),
    )
    .orderBy("id", "desc")
    .limit(MAX_PAST_FINDINGS)
    .execute();
  const labelled = rows
    .map((row) => ({ row, verdict: verdictOf(trustedSignals(row, pullNumber)) }))
    .filter((r) => r.verdict !== null);
  const stale = labelled.filter((r) => r.row.embedding_model !== embedder.model);
  if (stale.length > 0) {
    const vectors = await embedder.embed(
      stale.map(({ row }) =>
        findingText({ category: row.category, title: row.title, explanation: row.body }),
      ),
    );
    for (const [index, { row }] of stale.entries()) {
      const text = toSql(vectors[index]!);
      row.embedding = text;
      await db
        .updateTable("findings")
        .set({
          embedding: text,
          embedding_model: embedder.model,
          embedding_dimensions: embedder.dimensions,
        })
        .where("id", "=", row.id)
        .execute();
    }
  }
  return labelled.map(({ row, verdict }) => {
    const vector = fromSql(row.embedding);
    return { id: row.id, verdict: verdict!, vector: Array.isArray(vector) ? vector : [] };
  });
}
