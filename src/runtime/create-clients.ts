import type { Logger } from "pino";
import type { Config } from "../config/read-config.ts";
import { createEmbedder } from "../embeddings/create-embedder.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import { createConversationModel, type ConversationModel } from "../memory/conversation-model.ts";
import { createTaskModel } from "../model/create-task-model.ts";
import type { StructuredModel } from "../model/structured-model.ts";
import { createReviewModel, type ReviewModel } from "../review/review-model.ts";

/** The clients of outside services the job handlers use (GitHub's, Probot, is built apart). */
export type Clients = {
  /**
   * The review model itself, for a task that brings its own schema (the command line's eval
   * judge); null without a model to call.
   */
  structured: StructuredModel | null;
  /**
   * Reviews pull requests with the review model (REVUE_MODEL); null without a model to call (the
   * Anthropic provider without ANTHROPIC_API_KEY: the review's check run says so).
   */
  model: ReviewModel | null;
  /** Reads replies in Revue's threads (team memory) with REVUE_CONVERSATION_MODEL; null likewise. */
  conversationModel: ConversationModel | null;
  /** The review on another allowed model, for a repository that chose one; null without a model. */
  reviewModelFor: ((id: string) => ReviewModel) | null;
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
  // One client per task model, each behind the fallback model when one is configured.
  const review = model.configured ? createTaskModel(model, model.tasks.review, log) : undefined;
  const conversation = model.configured
    ? createTaskModel(model, model.tasks.conversation, log)
    : undefined;
  return {
    structured: given.structured !== undefined ? given.structured : (review ?? null),
    model: given.model !== undefined ? given.model : review ? createReviewModel(review) : null,
    conversationModel:
      given.conversationModel !== undefined
        ? given.conversationModel
        : conversation
          ? createConversationModel(conversation)
          : null,
    reviewModelFor:
      given.reviewModelFor !== undefined
        ? given.reviewModelFor
        : // A test's fake review model is never mixed with real clients for other models.
          given.model === undefined && model.configured
          ? (id) => createReviewModel(createTaskModel(model, id, log))
          : null,
    embedder: given.embedder ?? createEmbedder(config.embeddings),
  };
}
