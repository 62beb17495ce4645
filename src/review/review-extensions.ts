import type { Logger } from "pino";
import type { FileDiff } from "../diff/format-diff.ts";
import type { ModelFinding } from "./render-comment.ts";

/** What a review is about, for the pieces that add context or memory to it. */
export type ReviewScope = {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
  pullNumber: number;
  author: string;
  baseSha: string;
  headSha: string;
  /** The diff the model sees. */
  files: FileDiff[];
  log: Logger;
};

/** Fills the prompt's repository-context slot (the codebase index). */
export type ContextProvider = (
  scope: ReviewScope,
  budgetTokens: number,
) => Promise<{ text: string; files: string[] }>;

/** Fills the prompt's memory slot (what the team taught Revue). */
export type MemoryProvider = (
  scope: ReviewScope,
  budgetTokens: number,
) => Promise<{ text: string; ids: number[] }>;

/** A finding the gate dropped, and why: this similar to the rejected past finding `likeFindingId`. */
export type SuppressedFinding = {
  finding: ModelFinding;
  similarity: number;
  likeFindingId: number | null;
};

/**
 * Runs after the model: drops findings the team has rejected before. `dropped` says which and why
 * (recorded in the review's report for the dashboard); a gate may leave it out.
 */
export type FindingGate = (
  scope: ReviewScope,
  findings: ModelFinding[],
) => Promise<{ kept: ModelFinding[]; suppressed: number; dropped?: SuppressedFinding[] }>;

export const emptyContext: ContextProvider = async () => ({ text: "", files: [] });
export const emptyMemory: MemoryProvider = async () => ({ text: "", ids: [] });
export const passThroughGate: FindingGate = async (_scope, findings) => ({
  kept: findings,
  suppressed: 0,
});
