import type { z } from "zod";
import type { ModelAnswer } from "./model-answer.ts";
import { ModelPermanentError } from "./model-errors.ts";

export type StructuredAnswer<T> =
  { valid: true; value: T } | { valid: false; text: string; problems: string[] };

/** The JSON of a fenced answer, for a model or proxy that wraps it despite structured outputs. */
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return fenced?.[1] ?? text;
}

/**
 * Reads the structured answer out of a provider's response and checks it with `parse`. A
 * truncated, unparseable or schema-violating answer comes back as problems (one line each, with
 * the path of the offending property) and the answer's text, to repair or report; a refusal or an
 * exhausted context window throws ModelPermanentError, since asking again would end the same way.
 */
export function readStructuredAnswer<T>(
  answer: ModelAnswer,
  parse: z.ZodType<T>,
  task: string,
): StructuredAnswer<T> {
  if (answer.stop === "refusal") {
    throw new ModelPermanentError(
      `The model refused to answer the ${task} request (${answer.stopReason})`,
      { kind: "refused" },
    );
  }
  if (answer.stop === "context-window") {
    throw new ModelPermanentError(
      `The ${task} prompt filled the model's context window (${answer.stopReason}); send a smaller prompt`,
      { kind: "too-large" },
    );
  }
  const { text } = answer;
  if (answer.stop === "truncated") {
    return {
      valid: false,
      text,
      problems: [
        `The answer was cut off at the output token limit (${answer.usage.outputTokens} tokens) before the JSON was complete.`,
      ],
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripCodeFence(text));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { valid: false, text, problems: [`The answer is not valid JSON: ${reason}`] };
  }
  const result = parse.safeParse(parsed);
  if (result.success) return { valid: true, value: result.data };
  return {
    valid: false,
    text,
    problems: result.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`,
    ),
  };
}
