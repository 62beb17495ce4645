import { z } from "zod";
import { FINDING_CATEGORIES, SEVERITIES } from "../repo-config/path-rules-schema.ts";
import type { JsonSchema } from "../model/structured-model.ts";
import { toStructuredOutputSchema } from "../model/to-structured-output-schema.ts";

const fileSummarySchema = z.object({
  path: z.string().describe("Path of the changed file, exactly as in the diff header."),
  summary: z.string().describe("One or two sentences on what changed in this file and why."),
});

const findingSchema = z.object({
  path: z
    .string()
    .describe("Path of the file the finding is about, exactly as in the diff header."),
  side: z
    .enum(["LEFT", "RIGHT"])
    .describe("RIGHT for an added or unchanged line of the new version, LEFT for a removed line."),
  line: z
    .number()
    .int()
    .min(1)
    .describe("Line number on that side: the last line of the range the finding covers."),
  startLine: z
    .number()
    .int()
    .min(1)
    .nullable()
    .describe("First line of a multi-line range on the same side (less than line), or null."),
  severity: z.enum(SEVERITIES),
  category: z.enum(FINDING_CATEGORIES),
  confidence: z.enum(["high", "medium", "low"]),
  title: z.string().describe("One line naming the problem."),
  explanation: z.string().describe("Why it is a problem and what to do, in Markdown."),
  quotedCode: z
    .string()
    .describe("The exact code the finding is about, copied verbatim from the diff."),
  replacement: z
    .string()
    .nullable()
    .describe("Code that replaces lines startLine..line verbatim, or null when no fix is offered."),
});

/**
 * What the model returns for one review call, and the JSON Schema sent as
 * `output_config.format` so the API constrains decoding to it.
 *
 * The zod schema is the authority: the JSON Schema is a lossy copy (Anthropic structured outputs
 * reject numeric bounds such as `minimum`), so a response is always validated with
 * `modelReviewSchema` after it arrives. Every property is required; "absent" is `null`.
 */
export const modelReviewSchema = z.object({
  summary: z.object({
    walkthrough: z.string().describe("What the pull request does, in a short Markdown paragraph."),
    files: z.array(fileSummarySchema),
    risk: z.enum(["low", "medium", "high"]),
    riskReason: z.string().describe("One sentence justifying the risk level."),
  }),
  findings: z.array(findingSchema).describe("Problems worth a reviewer's attention; may be empty."),
});

export type ModelReview = z.infer<typeof modelReviewSchema>;

/** The JSON Schema for `output_config.format.schema`, computed once at import (pure, no I/O). */
export const modelReviewJsonSchema: JsonSchema = toStructuredOutputSchema(
  z.toJSONSchema(modelReviewSchema, { target: "draft-2020-12", io: "output" }),
  "$",
);
