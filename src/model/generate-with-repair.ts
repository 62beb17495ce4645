import type { Logger } from "pino";
import { listProblems } from "./list-problems.ts";
import type { ModelAnswer } from "./model-answer.ts";
import { ModelPermanentError } from "./model-errors.ts";
import { readStructuredAnswer } from "./read-structured-answer.ts";
import { repairInstruction } from "./repair-instruction.ts";
import type {
  GenerateRequest,
  GenerateResult,
  ModelMessage,
  ModelUsage,
} from "./structured-model.ts";

function addUsage(total: ModelUsage, more: ModelUsage): ModelUsage {
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    cacheReadTokens: total.cacheReadTokens + more.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + more.cacheWriteTokens,
  };
}

/**
 * The structured `generate` of every provider: one call with the request's messages (`send`,
 * which retries), the answer checked with `request.output.parse`, and with `repair: "once"` at
 * most one repair call that sends an invalid or truncated answer back with its problems. Usage
 * and requests are summed over both calls.
 *
 * Throws what `send` throws, ModelPermanentError for a refusal, a full context window, or an
 * answer still invalid (at once with `repair: "never"`).
 */
export async function generateWithRepair<T>(
  request: GenerateRequest<T>,
  send: (messages: ModelMessage[]) => Promise<{ answer: ModelAnswer; requests: number }>,
  log: Logger | undefined,
): Promise<GenerateResult<T>> {
  const { task, output } = request;
  const first = await send(request.messages);
  let usage = first.answer.usage;
  let calls = first.requests;
  const firstAnswer = readStructuredAnswer(first.answer, output.parse, task);
  if (firstAnswer.valid) return { value: firstAnswer.value, usage, calls };
  if (request.repair === "never") {
    log?.warn(
      { problems: firstAnswer.problems.length, stopReason: first.answer.stopReason },
      "model answer invalid; no repair allowed",
    );
    throw new ModelPermanentError(
      `The model's answer to the ${task} request is invalid:\n${listProblems(firstAnswer.problems)}`,
      { kind: "invalid-output" },
    );
  }

  log?.warn(
    { problems: firstAnswer.problems.length, stopReason: first.answer.stopReason },
    "model answer invalid; asking for a repair",
  );
  const repair = await send([
    ...request.messages,
    // An assistant turn may not be empty; trailing whitespace is trimmed for the same reason.
    { role: "assistant", content: firstAnswer.text.trimEnd() || "(empty answer)" },
    {
      role: "user",
      content: repairInstruction(firstAnswer.problems, first.answer.stop === "truncated"),
    },
  ]);
  usage = addUsage(usage, repair.answer.usage);
  calls += repair.requests;
  const repairAnswer = readStructuredAnswer(repair.answer, output.parse, task);
  if (repairAnswer.valid) return { value: repairAnswer.value, usage, calls };

  log?.warn(
    { problems: repairAnswer.problems.length, stopReason: repair.answer.stopReason },
    "model answer still invalid after repair",
  );
  throw new ModelPermanentError(
    `The model's answer was still invalid after one repair attempt:\n${listProblems(repairAnswer.problems)}`,
    { kind: "invalid-output" },
  );
}
