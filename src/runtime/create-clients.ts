import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import { createEmbedder } from "../embeddings/create-embedder.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import { createConversationModel, type ConversationModel } from "../memory/conversation-model.ts";
import { createAnthropicModel } from "../model/anthropic-model.ts";
import type { StructuredModel } from "../model/structured-model.ts";
import { createReviewModel, type ReviewModel } from "../review/review-model.ts";

/** The clients of outside services the job handlers use (GitHub's, Probot, is built apart). */
export type Clients = {
  /**
   * The model itself, for a task that brings its own schema (the command line's eval judge); null
   * without ANTHROPIC_API_KEY.
   */
  structured: StructuredModel | null;
  /** Reviews pull requests; null without ANTHROPIC_API_KEY (the review's check run says so). */
  model: ReviewModel | null;
  /** Reads replies in Revue's threads (team memory); null without ANTHROPIC_API_KEY. */
  conversationModel: ConversationModel | null;
  /** Embeds code and memories (REVUE_EMBEDDINGS). */
  embedder: Embedder;
};

/**
 * Builds each client from configuration, except those `given` (tests pass fakes; `null` given for
 * a model means "no model"). The only place Revue constructs them. Builds lazily-connecting
 * clients: nothing is sent anywhere until a job uses one.
 */
export function createClients(config: Config, log: Logger, given: Partial<Clients> = {}): Clients {
  const { model } = config;
  // One client for both tasks: one connection pool, one retry policy.
  const anthropic = model.apiKey
    ? createAnthropicModel({
        apiKey: model.apiKey,
        baseUrl: model.baseUrl,
        model: model.id,
        timeoutMs: model.timeoutMs,
        maxRetries: model.maxRetries,
        log,
      })
    : undefined;
  return {
    structured: given.structured !== undefined ? given.structured : (anthropic ?? null),
    model:
      given.model !== undefined ? given.model : anthropic ? createReviewModel(anthropic) : null,
    conversationModel:
      given.conversationModel !== undefined
        ? given.conversationModel
        : anthropic
          ? createConversationModel(anthropic)
          : null,
    embedder: given.embedder ?? createEmbedder(config.embeddings),
  };
}
