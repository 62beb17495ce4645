import type { JsonSchema } from "./structured-model.ts";

/**
 * The system text that asks for JSON where the provider cannot constrain decoding to a schema
 * (JSON mode, or no structured outputs at all): the schema itself, and JSON only. The answer is
 * still checked against the request's zod schema, and repaired once when allowed.
 */
export function jsonAnswerInstruction(schema: JsonSchema): string {
  return [
    "Answer with one JSON object that is valid against this JSON Schema, and nothing else:",
    "no prose before or after it, no code fences.",
    "",
    JSON.stringify(schema),
  ].join("\n");
}
