/**
 * Turns texts into vectors. Every vector is stored with the embedder's `model` and `dimensions`,
 * so a change of model re-embeds instead of mixing vector spaces.
 */
export interface Embedder {
  /** A stable name of the model (and its version), stored beside each vector. */
  readonly model: string;
  readonly dimensions: number;
  /**
   * One unit-length vector per input, in order. Throws EmbeddingError on failure; an
   * implementation that calls out retries transient failures itself first.
   */
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<number[][]>;
}

export class EmbeddingError extends Error {
  override name = "EmbeddingError";
}

/** Cosine similarity of two unit vectors (their dot product). */
export function cosineSimilarity(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i += 1) dot += a[i]! * b[i]!;
  return dot;
}
