import type { StructuredModel } from "../model/structured-model.ts";
import {
  replyAnalysisJsonSchema,
  replyAnalysisSchema,
  type ReplyAnalysis,
} from "./reply-analysis.ts";

/** The small structured call that reads a reply in one of Revue's threads. */
export interface ConversationModel {
  readonly id: string;
  /**
   * Classifies the reply and, for a learning or a question, writes the memory or the answer.
   * Throws ModelRetryableError (retries used up, aborted) or ModelPermanentError (refused, or an
   * answer that does not match the schema).
   */
  analyzeReply(
    request: { system: string; prompt: string },
    options?: { signal?: AbortSignal },
  ): Promise<ReplyAnalysis>;
}

/** Enough for a classification and a short answer in Markdown. */
const maxOutputTokens = 1500;

/**
 * Reply analysis on a structured model: one call per reply, no cache breakpoint (the prompt is
 * small and differs per thread) and no repair: an answer that does not match the schema fails
 * the job for that reply rather than guessing.
 */
export function createConversationModel(model: StructuredModel): ConversationModel {
  return {
    id: model.id,
    async analyzeReply(request, options = {}) {
      const { value } = await model.generate(
        {
          task: "reply analysis",
          system: [{ text: request.system }],
          messages: [{ role: "user", content: request.prompt }],
          output: { json: replyAnalysisJsonSchema, parse: replyAnalysisSchema },
          maxOutputTokens,
          repair: "never",
        },
        options,
      );
      return value;
    },
  };
}
