import { z } from "zod";

/**
 * What the model makes of a reply in one of Revue's threads:
 * - `correction`: the finding is wrong here, with a reason (a learning, and the finding is rebutted);
 * - `preference`: a team preference or convention beyond this finding (a learning);
 * - `question`: the person asks something (an answer, no learning);
 * - `other`: thanks, "done", chatter (nothing is stored or said).
 */
export const replyAnalysisSchema = z.object({
  intent: z.enum(["correction", "preference", "question", "other"]),
  learning: z
    .object({
      statement: z
        .string()
        .min(1)
        .describe("One short sentence, general enough to apply to later reviews."),
      kind: z.enum(["preference", "convention", "rejected-pattern", "fact"]),
      pathGlob: z
        .string()
        .nullable()
        .describe("A gitignore-style glob when the learning is about some paths only, else null."),
    })
    .nullable()
    .describe("Set for correction and preference only."),
  answer: z
    .string()
    .nullable()
    .describe("For a question: the answer, in Markdown, short. Null otherwise."),
});

export type ReplyAnalysis = z.infer<typeof replyAnalysisSchema>;

/** The same shape as a JSON Schema for structured outputs (every property required, no extras). */
export const replyAnalysisJsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["intent", "learning", "answer"],
  properties: {
    intent: { type: "string", enum: ["correction", "preference", "question", "other"] },
    learning: {
      anyOf: [
        {
          type: "object",
          additionalProperties: false,
          required: ["statement", "kind", "pathGlob"],
          properties: {
            statement: { type: "string" },
            kind: {
              type: "string",
              enum: ["preference", "convention", "rejected-pattern", "fact"],
            },
            pathGlob: { anyOf: [{ type: "string" }, { type: "null" }] },
          },
        },
        { type: "null" },
      ],
    },
    answer: { anyOf: [{ type: "string" }, { type: "null" }] },
  },
} as const;
