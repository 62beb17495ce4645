import { z } from "zod";

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
  severity: z.enum(["critical", "major", "minor", "nit"]),
  category: z.enum([
    "bug",
    "security",
    "performance",
    "correctness",
    "concurrency",
    "error-handling",
    "maintainability",
    "test",
    "docs",
    "style",
  ]),
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

type JsonSchema = { [key: string]: unknown };

/**
 * Keywords that Anthropic structured outputs reject. Each is dropped from the JSON Schema and, when
 * it carries meaning, restated in the description (zod still enforces it on the response).
 */
const unsupportedKeywords = [
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "maxItems",
] as const;

/** zod writes these for `.int()`; they only restate "a safe integer" and are dropped silently. */
const safeIntegerBounds = new Set([Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);

function isJsonSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Rewrites one node (and its children) into the subset Anthropic accepts: no `$schema`, no numeric
 * or length bounds, `additionalProperties: false` and every property required on every object.
 * Throws if an object lists a property as optional, since the API would reject the schema.
 */
function toStructuredOutputSchema(node: JsonSchema, path: string): JsonSchema {
  const result: JsonSchema = {};
  const restated: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema") continue;
    if ((unsupportedKeywords as readonly string[]).includes(key)) {
      if (!(typeof value === "number" && safeIntegerBounds.has(value))) {
        restated.push(`${key}: ${JSON.stringify(value)}`);
      }
      continue;
    }
    if (key === "properties" && isJsonSchema(value)) {
      result.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          isJsonSchema(child) ? toStructuredOutputSchema(child, `${path}.${name}`) : child,
        ]),
      );
    } else if (key === "items" && isJsonSchema(value)) {
      result.items = toStructuredOutputSchema(value, `${path}[]`);
    } else if ((key === "anyOf" || key === "allOf") && Array.isArray(value)) {
      result[key] = value.map((child: unknown) =>
        isJsonSchema(child) ? toStructuredOutputSchema(child, path) : child,
      );
    } else {
      result[key] = value;
    }
  }
  if (restated.length > 0) {
    const constraint = `{${restated.join(", ")}}`;
    result.description =
      typeof result.description === "string" ? `${result.description} ${constraint}` : constraint;
  }
  if (result.type === "object") {
    const names = Object.keys(isJsonSchema(result.properties) ? result.properties : {});
    const required = Array.isArray(result.required) ? result.required : [];
    const optional = names.filter((name) => !required.includes(name));
    if (optional.length > 0) {
      throw new Error(
        `${path}: properties ${optional.join(", ")} are optional; structured outputs need every property required (use .nullable() instead of .optional())`,
      );
    }
    result.additionalProperties = false;
  }
  return result;
}

/** The JSON Schema for `output_config.format.schema`, computed once at import (pure, no I/O). */
export const modelReviewJsonSchema: JsonSchema = toStructuredOutputSchema(
  z.toJSONSchema(modelReviewSchema, { target: "draft-2020-12", io: "output" }),
  "$",
);
