import type { Config } from "../config/read-config.ts";
import type { Embedder } from "./embedder.ts";
import { createHuggingFaceEmbedder } from "./huggingface-embedder.ts";
import { createLocalEmbedder } from "./local-embedder.ts";

/** The embedder the configuration asks for (REVUE_EMBEDDINGS). */
export function createEmbedder(embeddings: Config["embeddings"]): Embedder {
  if (embeddings.kind === "local") return createLocalEmbedder();
  return createHuggingFaceEmbedder({
    token: embeddings.token,
    model: embeddings.model,
    endpointUrl: embeddings.endpointUrl,
    dimensions: embeddings.dimensions,
  });
}
