import type { ModelUsage } from "./structured-model.ts";

/**
 * One provider response reduced to what the structured model reads: the answer's text, why it
 * stopped (`stopReason` as the provider said it, for messages and logs) and the tokens it billed.
 * `stop` is "refusal" for a declined answer, "context-window" when the prompt filled the model's
 * context, "truncated" at the output limit, else "complete".
 */
export type ModelAnswer = {
  text: string;
  stop: "complete" | "truncated" | "refusal" | "context-window";
  stopReason: string;
  usage: ModelUsage;
};
