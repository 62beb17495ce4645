import type { JsonSchema } from "./structured-model.ts";

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
 * Rewrites a JSON Schema (e.g. from `z.toJSONSchema`) and its children into the subset structured
 * outputs accept: no `$schema`, no numeric or length bounds (restated in the description, for the
 * model to read), `additionalProperties: false` and every property required on every object.
 * Pure; returns a new schema. Throws if an object lists a property as optional, naming its `path`,
 * since the API would reject the schema.
 */
export function toStructuredOutputSchema(node: JsonSchema, path = "$"): JsonSchema {
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
