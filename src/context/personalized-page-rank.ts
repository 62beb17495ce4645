/** A weighted, directed edge: `from` uses something `to` defines. */
export type GraphEdge<Node> = { from: Node; to: Node; weight: number };

/**
 * Personalised PageRank by power iteration: a walker follows an out-edge of its node with
 * probability `damping` (picking edges in proportion to their weight) and otherwise jumps back to
 * a seed, chosen in proportion to `seeds`' weights; a node without out-edges sends its walker to
 * the seeds too. Returns each node's stationary probability (summing to 1), the nodes the seeds
 * cannot reach at 0. Edges with a weight that is not a positive number are ignored. Pure.
 *
 * This is how Aider's repository map ranks files: seeded from the files being changed, the score
 * of a file is how often a walk over the "uses" graph starting at the change ends up there.
 * Throws a RangeError when `seeds` holds no positive weight (nothing to personalise on).
 */
export function personalizedPageRank<Node>(
  edges: readonly GraphEdge<Node>[],
  seeds: ReadonlyMap<Node, number>,
  options: { damping?: number; iterations?: number; tolerance?: number } = {},
): Map<Node, number> {
  const damping = options.damping ?? 0.85;
  const iterations = options.iterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;

  const index = new Map<Node, number>();
  const nodes: Node[] = [];
  const at = (node: Node) => {
    let i = index.get(node);
    if (i === undefined) {
      i = nodes.length;
      index.set(node, i);
      nodes.push(node);
    }
    return i;
  };
  const seedTotal = [...seeds.values()].filter((w) => w > 0).reduce((sum, w) => sum + w, 0);
  if (!(seedTotal > 0)) {
    throw new RangeError("personalizedPageRank: seeds needs at least one node with a weight > 0.");
  }
  for (const node of seeds.keys()) at(node);
  const kept = edges.filter((edge) => edge.weight > 0 && Number.isFinite(edge.weight));
  const links = kept.map((edge) => ({ from: at(edge.from), to: at(edge.to), weight: edge.weight }));

  const size = nodes.length;
  const outWeight = new Float64Array(size);
  for (const link of links) outWeight[link.from]! += link.weight;
  const restart = new Float64Array(size);
  for (const [node, weight] of seeds) if (weight > 0) restart[at(node)] = weight / seedTotal;

  let rank = Float64Array.from(restart);
  for (let step = 0; step < iterations; step++) {
    const next = new Float64Array(size);
    let dangling = 0;
    for (let i = 0; i < size; i++) if (outWeight[i] === 0) dangling += rank[i]!;
    for (const link of links) {
      next[link.to]! += (damping * rank[link.from]! * link.weight) / outWeight[link.from]!;
    }
    let change = 0;
    for (let i = 0; i < size; i++) {
      next[i]! += (1 - damping + damping * dangling) * restart[i]!;
      change += Math.abs(next[i]! - rank[i]!);
    }
    rank = next;
    if (change < tolerance) break;
  }
  return new Map(nodes.map((node, i) => [node, rank[i]!]));
}
