/**
 * A conservative token estimate for budgeting (about 3.5 characters a token for code). Budgets
 * only need to be safe, not exact; the real counts come back in the model's usage.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}
