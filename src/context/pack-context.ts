import { estimateTokens } from "../model/estimate-tokens.ts";

export type ContextChunk = {
  path: string;
  startLine: number;
  endLine: number;
  content: string;
  /** Why the chunk is in the prompt ("definition of `X` used at src/a.ts:12"), shown after its range. */
  reason?: string;
};

/**
 * Renders chunks, best first, as `### path:start-end — reason` blocks of fenced code, taking each chunk
 * that still fits in `budgetTokens` (a large one may be passed over for smaller ones after it).
 * Returns the text and the distinct paths used, in order. Pure.
 */
export function packContext(
  chunks: ContextChunk[],
  budgetTokens: number,
): { text: string; files: string[]; used: ContextChunk[] } {
  const blocks: string[] = [];
  const used: ContextChunk[] = [];
  let spent = 0;
  for (const chunk of chunks) {
    const fence = chunk.content.includes("```") ? "````" : "```";
    const why = chunk.reason ? ` — ${chunk.reason}` : "";
    const block = `### ${chunk.path}:${chunk.startLine}-${chunk.endLine}${why}\n${fence}\n${chunk.content}\n${fence}`;
    const cost = estimateTokens(block) + 1;
    if (spent + cost > budgetTokens) continue;
    spent += cost;
    blocks.push(block);
    used.push(chunk);
  }
  return { text: blocks.join("\n\n"), files: [...new Set(used.map((c) => c.path))], used };
}
