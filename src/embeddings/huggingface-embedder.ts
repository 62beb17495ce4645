import { EmbeddingError, type Embedder } from "./embedder.ts";

export type HuggingFaceEmbedderOptions = {
  token: string | undefined;
  model: string;
  /** A self-hosted endpoint (text-embeddings-inference, an Inference Endpoint); the model name is then only a label. */
  endpointUrl: string | undefined;
  /** The model's output size; every vector returned is checked against it. */
  dimensions: number;
  /** Texts per request. Default 32. */
  batchSize?: number;
  /** Attempts per batch on a transient failure (network, 429, 5xx). Default 4. */
  maxAttempts?: number;
  /** Waits between attempts; tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
};

/**
 * Embeddings from Hugging Face (the Inference API or a self-hosted endpoint), in batches, each
 * retried with exponential backoff. Vectors are normalised to unit length so cosine distance and
 * the dot product agree. Throws EmbeddingError when a batch still fails, or when the model's
 * vectors do not have `dimensions` entries (a misconfigured model would otherwise mix spaces).
 */
export function createHuggingFaceEmbedder(options: HuggingFaceEmbedderOptions): Embedder {
  const batchSize = options.batchSize ?? 32;
  const maxAttempts = options.maxAttempts ?? 4;
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const label = options.endpointUrl ? `${options.model}@${options.endpointUrl}` : options.model;

  async function embedBatch(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        // Loaded on first use: a server on the default local embedder never holds the client
        // (about 20 MB resident).
        const { featureExtraction } = await import("@huggingface/inference");
        const output = await featureExtraction(
          {
            accessToken: options.token,
            model: options.model,
            endpointUrl: options.endpointUrl,
            provider: options.endpointUrl ? undefined : "hf-inference",
            inputs: texts,
            normalize: true,
          },
          { signal },
        );
        return texts.map((_, i) => toVector(output[i], options.dimensions, label));
      } catch (error) {
        if (error instanceof EmbeddingError || signal?.aborted || attempt >= maxAttempts) {
          throw error instanceof EmbeddingError
            ? error
            : new EmbeddingError(`Hugging Face embeddings failed (${label}): ${String(error)}`, {
                cause: error,
              });
        }
        await sleep(Math.min(30_000, 500 * 2 ** (attempt - 1)));
      }
    }
  }

  return {
    model: `hf:${label}`,
    dimensions: options.dimensions,
    embed: async (texts, embedOptions) => {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        out.push(...(await embedBatch(texts.slice(i, i + batchSize), embedOptions?.signal)));
      }
      return out;
    },
  };
}

/** One input's output: a vector, or token vectors (mean-pooled here), normalised. */
function toVector(value: unknown, dimensions: number, label: string): number[] {
  let vector: number[];
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) {
    vector = value as number[];
  } else if (Array.isArray(value) && value.every((v) => Array.isArray(v))) {
    const rows = value as number[][];
    vector = rows[0]!.map((_, j) => rows.reduce((sum, row) => sum + row[j]!, 0) / rows.length);
  } else {
    throw new EmbeddingError(`Hugging Face returned no vector for an input (${label})`);
  }
  if (vector.length !== dimensions) {
    throw new EmbeddingError(
      `Hugging Face model ${label} returned ${vector.length} dimensions, expected ${dimensions}: set HF_EMBEDDING_DIMENSIONS to the model's size.`,
    );
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}
