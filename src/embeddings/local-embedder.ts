import { createHash } from "node:crypto";
import type { Embedder } from "./embedder.ts";

const DIMENSIONS = 384;

/**
 * The offline default: no key, no download. A feature-hashing embedder: identifiers are split
 * (camelCase, snake_case), lower-cased, and each word, word bigram and character trigram is hashed
 * into one of 384 signed buckets with a log-scaled count, then the vector is normalised.
 *
 * It captures shared vocabulary (names, API calls, domain words), which is most of what code
 * search needs, but not meaning: "remove" and "delete" are unrelated to it. A neural model
 * (REVUE_EMBEDDINGS=huggingface) does better on paraphrase; see the README for measurements.
 */
export function createLocalEmbedder(): Embedder {
  return {
    model: `local-hash-v1-${DIMENSIONS}`,
    dimensions: DIMENSIONS,
    embed: async (texts) => texts.map(embedOne),
  };
}

function embedOne(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  const words = tokenize(text);
  const counts = new Map<string, number>();
  const add = (feature: string, weight: number) =>
    counts.set(feature, (counts.get(feature) ?? 0) + weight);
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    add(`w:${word}`, 1);
    if (i > 0) add(`b:${words[i - 1]}_${word}`, 0.5);
    if (word.length > 3) {
      for (let j = 0; j + 3 <= word.length; j += 1) add(`t:${word.slice(j, j + 3)}`, 0.25);
    }
  }
  for (const [feature, count] of counts) {
    const hash = createHash("md5").update(feature).digest();
    const bucket = hash.readUInt32LE(0) % DIMENSIONS;
    const sign = hash[4]! & 1 ? 1 : -1;
    vector[bucket]! += sign * (1 + Math.log(count));
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((v) => v / norm);
}

/** Words of code and prose: identifiers split at case changes, digits and underscores. */
export function tokenize(text: string): string[] {
  return (text.match(/[A-Za-z][A-Za-z0-9]*|[0-9]+/g) ?? [])
    .flatMap((token) => token.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/))
    .map((word) => word.toLowerCase())
    .filter((word) => word.length > 1);
}
