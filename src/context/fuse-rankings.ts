/**
 * Reciprocal rank fusion: each item scores the sum over the rankings it appears in of
 * `weight / (k + rank)` (rank from 1). Items found by several retrievers rise; no retriever's raw
 * scores need to be comparable. Returns ids by descending score, ties broken by first appearance.
 * Pure. `k` = 60 as in Cormack et al. (2009).
 */
export function fuseRankings<Id>(
  rankings: { ids: readonly Id[]; weight?: number }[],
  k = 60,
): { id: Id; score: number }[] {
  const scores = new Map<Id, number>();
  for (const { ids, weight = 1 } of rankings) {
    const seen = new Set<Id>();
    ids.forEach((id, index) => {
      if (seen.has(id)) return;
      seen.add(id);
      scores.set(id, (scores.get(id) ?? 0) + weight / (k + index + 1));
    });
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score);
}
