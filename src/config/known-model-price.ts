/** Dollars per million tokens. */
export type ModelPrice = Readonly<{ input: number; output: number }>;

/**
 * Anthropic's list prices per family and version (the same on Bedrock and Vertex). Checked in
 * order; a version not listed takes its family's first row that matches.
 */
const claudePrices: Array<{ pattern: RegExp; price: ModelPrice }> = [
  { pattern: /opus-4-?[01]?(?![-.]?[5-9])/, price: { input: 15, output: 75 } },
  { pattern: /opus/, price: { input: 5, output: 25 } },
  { pattern: /sonnet/, price: { input: 3, output: 15 } },
  { pattern: /haiku-3-5|3-5-haiku/, price: { input: 0.8, output: 4 } },
  { pattern: /haiku-3|3-haiku/, price: { input: 0.25, output: 1.25 } },
  { pattern: /haiku/, price: { input: 1, output: 5 } },
];

/**
 * The list price of a Claude model by its name on any provider ("claude-sonnet-5-5",
 * "us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-opus-4-1@20250805"), or undefined for
 * any other model, whose price the operator must give (REVUE_MODEL_PRICES). Pure.
 */
export function knownModelPrice(model: string): ModelPrice | undefined {
  const name = model.toLowerCase();
  if (!name.includes("claude")) return undefined;
  return claudePrices.find(({ pattern }) => pattern.test(name))?.price;
}
