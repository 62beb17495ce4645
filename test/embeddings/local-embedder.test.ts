import { createHash } from "node:crypto";
import { expect, it } from "vitest";
import { createLocalEmbedder } from "../../src/embeddings/local-embedder.ts";

const embedder = createLocalEmbedder();
const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

it("gives unit vectors of its dimensions, the same for the same text", async () => {
  const [a, b] = await embedder.embed(["parseRetryAfter(header)", "parseRetryAfter(header)"]);
  expect(a).toHaveLength(embedder.dimensions);
  expect(a).toEqual(b);
  expect(cosine(a!, a!)).toBeCloseTo(1, 10);
});

it("puts code that shares names near, and unrelated code far", async () => {
  const [query, related, unrelated] = await embedder.embed([
    "const delay = readRetryAfter(response.headers)",
    "export function readRetryAfter(headers: Headers): number | undefined",
    "SELECT count(*) FROM findings WHERE status = 'open'",
  ]);
  expect(cosine(query!, related!)).toBeGreaterThan(0.3);
  expect(Math.abs(cosine(query!, unrelated!))).toBeLessThan(0.15);
});

it("spreads features over every bucket, with both signs", async () => {
  // Ten thousand distinct words: a hash that ignored some input bits would leave buckets empty.
  const words = Array.from({ length: 10_000 }, (_, i) => `w${i.toString(36)}x`).join(" ");
  const [vector] = await embedder.embed([words]);
  expect(vector!.filter((v) => v === 0)).toHaveLength(0);
  const positive = vector!.filter((v) => v > 0).length;
  expect(positive).toBeGreaterThan(embedder.dimensions * 0.35);
  expect(positive).toBeLessThan(embedder.dimensions * 0.65);
});

it("changes its model name whenever its vectors change", async () => {
  // Stored vectors are only compared with vectors of the same model name: a change to the
  // algorithm that kept the name would mix incomparable vectors. Change the name, then this digest.
  const [vector] = await embedder.embed(["export async function reviewPullRequest(context) {}"]);
  const digest = createHash("sha256")
    .update(vector!.map((v) => v.toFixed(6)).join(","))
    .digest("hex")
    .slice(0, 16);
  expect({ model: embedder.model, digest }).toEqual({
    model: "local-hash-v2-384",
    digest: "a53872f14712d928",
  });
});
