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
    // A reason names a path from the pull request, which may hold a line break: keep it on its heading.
    const why = chunk.reason ? ` — ${oneLine(chunk.reason)}` : "";
    const block = `### ${chunk.path}:${chunk.startLine}-${chunk.endLine}${why}\n${fence}\n${chunk.content}\n${fence}`;
    const cost = estimateTokens(block) + 1;
    if (spent + cost > budgetTokens) continue;
    spent += cost;
    blocks.push(block);
    used.push(chunk);
  }
  return { text: blocks.join("\n\n"), files: [...new Set(used.map((c) => c.path))], used };
}

/** Control characters and line separators, which would end a heading. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
const LINE_BREAKING = /[\u0000-\u001f\u007f\u2028\u2029]/g;

function oneLine(text: string): string {
  return text.replace(
    LINE_BREAKING,
    (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}]`,
  );
}
