import type { Embedder } from "../src/embeddings/embedder.ts";
import { decideGate, findingText, type LabelledVector } from "../src/memory/decide-gate.ts";

/** A past finding with the team's verdict, as in test/fixtures/memory/past-findings.json. */
export type PastFinding = {
  id: number;
  category: string;
  title: string;
  explanation: string;
  verdict: "addressed" | "rejected" | "ignored";
  reason?: string;
};

/** A new finding, labelled by the past verdict it resembles. */
export type CandidateFinding = {
  id: number;
  category: string;
  title: string;
  explanation: string;
  like: "rejected" | "addressed";
};

export type GateMeasurement = {
  threshold: number;
  rejectedLike: { suppressed: number; total: number };
  addressedLike: { suppressed: number; total: number };
  /** Candidate ids the gate got wrong: rejected-like kept, addressed-like suppressed. */
  missed: number[];
  wronglySuppressed: number[];
};

/**
 * Runs the gate over labelled candidates at each threshold: how many rejected-like findings it
 * suppresses (want all) and how many addressed-like ones it wrongly suppresses (want none).
 * Ignored past findings carry no signal and are left out, as in production.
 */
export async function measureGate(
  embedder: Embedder,
  past: readonly PastFinding[],
  candidates: readonly CandidateFinding[],
  thresholds: readonly number[],
): Promise<GateMeasurement[]> {
  const signalled = past.filter((p) => p.verdict !== "ignored");
  const pastVectors = await embedder.embed(signalled.map(findingText));
  const labelled: LabelledVector[] = signalled.map((p, i) => ({
    id: p.id,
    vector: pastVectors[i]!,
    verdict: p.verdict === "rejected" ? "rejected" : "accepted",
  }));
  const candidateVectors = await embedder.embed(candidates.map(findingText));
  return thresholds.map((threshold) => {
    const result: GateMeasurement = {
      threshold,
      rejectedLike: { suppressed: 0, total: 0 },
      addressedLike: { suppressed: 0, total: 0 },
      missed: [],
      wronglySuppressed: [],
    };
    for (const [index, candidate] of candidates.entries()) {
      const { keep } = decideGate(candidateVectors[index]!, labelled, threshold);
      const bucket = candidate.like === "rejected" ? result.rejectedLike : result.addressedLike;
      bucket.total += 1;
      if (!keep) bucket.suppressed += 1;
      if (candidate.like === "rejected" && keep) result.missed.push(candidate.id);
      if (candidate.like === "addressed" && !keep) result.wronglySuppressed.push(candidate.id);
    }
    return result;
  });
}
