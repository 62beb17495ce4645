import { listProblems } from "./list-problems.ts";

/**
 * The user turn asking the model to fix its own answer: the problems found, and for an answer cut
 * off at the output limit (`truncated`), to make it shorter rather than finish it.
 */
export function repairInstruction(problems: string[], truncated: boolean): string {
  return [
    "Your previous answer is not valid against the required JSON schema:",
    listProblems(problems),
    "",
    truncated
      ? "It ran out of output tokens, so make it shorter: keep only the most important findings and shorten explanations."
      : "Fix these problems and keep everything else as it was.",
    "Reply with the corrected JSON object only: no prose before or after it, no code fences.",
  ].join("\n");
}
