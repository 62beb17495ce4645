import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EmbeddingError } from "../../src/embeddings/embedder.ts";
import { createHuggingFaceEmbedder } from "../../src/embeddings/huggingface-embedder.ts";

const ENDPOINT = "https://tei.example.test";

describe("createHuggingFaceEmbedder", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const embedder = (options: { batchSize?: number; dimensions?: number } = {}) =>
    createHuggingFaceEmbedder({
      token: "hf_test",
      model: "sentence-transformers/all-MiniLM-L6-v2",
      endpointUrl: `${ENDPOINT}/embed`,
      dimensions: options.dimensions ?? 3,
      batchSize: options.batchSize ?? 2,
      sleep: async () => {},
    });

  it("posts batches to the self-hosted endpoint, retries a 503 and normalises vectors", async () => {
    const bodies: unknown[] = [];
    nock(ENDPOINT).post("/embed").reply(503, { error: "loading" });
    nock(ENDPOINT)
      .post("/embed", (body) => (bodies.push(body), true))
      .reply(200, [
        [3, 4, 0],
        [0, 0, 2],
      ]);
    nock(ENDPOINT)
      .post("/embed", (body) => (bodies.push(body), true))
      .reply(200, [[1, 0, 0]]);
    const vectors = await embedder().embed(["a", "b", "c"]);
    expect(vectors).toEqual([
      [0.6, 0.8, 0],
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(bodies).toMatchObject([{ inputs: ["a", "b"] }, { inputs: ["c"] }]);
    expect(nock.isDone()).toBe(true);
  });

  it("refuses vectors of the wrong size instead of mixing spaces", async () => {
    nock(ENDPOINT)
      .post("/embed")
      .reply(200, [[1, 0]]);
    await expect(embedder({ dimensions: 3 }).embed(["a"])).rejects.toThrow(EmbeddingError);
  });

  it("gives up after its attempts with an EmbeddingError", async () => {
    nock(ENDPOINT).post("/embed").times(4).reply(500, { error: "down" });
    await expect(embedder().embed(["a"])).rejects.toThrow(/Hugging Face embeddings failed/);
  });

  it("names the model with its endpoint, so vectors from another endpoint are not mixed", () => {
    expect(embedder().model).toBe(`hf:sentence-transformers/all-MiniLM-L6-v2@${ENDPOINT}/embed`);
  });
});
