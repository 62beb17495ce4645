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
    // v2: FNV-1a in place of MD5 (ten times faster, the same spread of buckets). A different hash
    // is a different model: stored vectors of v1 are re-embedded, never compared with v2's.
    model: `local-hash-v2-${DIMENSIONS}`,
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
    const hash = hashFeature(feature);
    const bucket = hash % DIMENSIONS;
    const sign = hash >>> 31 ? 1 : -1;
    vector[bucket]! += sign * (1 + Math.log(count));
  }
  const norm = Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((v) => v / norm);
}

/**
 * 32-bit FNV-1a of the feature's UTF-16 units, then MurmurHash3's finaliser so that every output
 * bit depends on every input bit (the bucket reads the low bits, the sign the top one).
 */
function hashFeature(feature: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < feature.length; i += 1) {
    hash ^= feature.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** Words of code and prose: identifiers split at case changes, digits and underscores. */
export function tokenize(text: string): string[] {
  return (text.match(/[A-Za-z][A-Za-z0-9]*|[0-9]+/g) ?? [])
    .flatMap((token) => token.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/))
    .map((word) => word.toLowerCase())
    .filter((word) => word.length > 1);
}
