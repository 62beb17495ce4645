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

/** A past finding's signals as stored: by people with write access, and by its pull request's author. */
export type StoredSignals = {
  pull_number: number;
  status: string;
  rebutted: boolean;
  thumbs_up: number;
  thumbs_down: number;
  author_rebutted: boolean;
  author_thumbs_up: number;
  author_thumbs_down: number;
};

/**
 * The signals of a past finding that a review of pull request `pullNumber` may trust: those of
 * people with write access always; those of the finding's pull request author (without write
 * access) only when the review is of that same pull request, so nobody but a writer can make
 * Revue drop findings on other people's pull requests. Pure.
 */
export function trustedSignals(finding: StoredSignals, pullNumber: number) {
  const samePull = finding.pull_number === pullNumber;
  return {
    status: finding.status,
    rebutted: finding.rebutted || (samePull && finding.author_rebutted),
    thumbs_up: finding.thumbs_up + (samePull ? finding.author_thumbs_up : 0),
    thumbs_down: finding.thumbs_down + (samePull ? finding.author_thumbs_down : 0),
  };
}

/**
 * A past finding's verdict from its (trusted) signals, or null when it carries none. Rejected: dismissed,
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
