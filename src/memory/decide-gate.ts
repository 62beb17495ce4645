import { cosineSimilarity } from "../embeddings/embedder.ts";

/** How the team received a past finding. `ignored` findings carry no signal and are not compared. */
export type Verdict = "rejected" | "accepted";

export type LabelledVector = { id: number; vector: number[]; verdict: Verdict };

export type GateDecision = {
  keep: boolean;
  /** Highest similarity to a rejected past finding (0 when there is none). */
  rejected: number;
  accepted: number;
  /** The rejected past finding that decided a drop. */
  nearestRejectedId: number | null;
};

/**
 * Decides one new finding against the team's past verdicts. Dropped when it is at least
 * `threshold` similar to a rejected finding and more similar to it than to any accepted one:
 * an accepted neighbour (addressed, up-voted) always wins a tie. Pure.
 */
export function decideGate(
  candidate: number[],
  past: readonly LabelledVector[],
  threshold: number,
): GateDecision {
  let rejected = 0;
  let accepted = 0;
  let nearestRejectedId: number | null = null;
  for (const item of past) {
    if (item.vector.length !== candidate.length) continue;
    const similarity = cosineSimilarity(candidate, item.vector);
    if (item.verdict === "rejected" && similarity > rejected) {
      rejected = similarity;
      nearestRejectedId = item.id;
    } else if (item.verdict === "accepted" && similarity > accepted) {
      accepted = similarity;
    }
  }
  const keep = !(rejected >= threshold && rejected > accepted);
  return { keep, rejected, accepted, nearestRejectedId: keep ? null : nearestRejectedId };
}

/**
 * A past finding's verdict from its signals, or null when it carries none. Rejected: dismissed,
 * rebutted in a reply, or more 👎 than 👍. Accepted: addressed by a later push, or more 👍 than 👎.
 * A rebuttal outweighs a push that happened to touch the lines.
 */
export function verdictOf(finding: {
  status: string;
  rebutted: boolean;
  thumbs_up: number;
  thumbs_down: number;
}): Verdict | null {
  if (finding.status === "dismissed" || finding.rebutted) return "rejected";
  if (finding.thumbs_down > finding.thumbs_up) return "rejected";
  if (finding.status === "addressed" || finding.thumbs_up > finding.thumbs_down) return "accepted";
  return null;
}

/**
 * The text of a finding that is embedded: what it complains about (category, title, explanation),
 * not the code it quotes, so a rejected kind of comment is recognised on other code too.
 */
export function findingText(finding: { category: string; title: string; explanation: string }) {
  return `${finding.category}: ${finding.title}\n${finding.explanation}`;
}
