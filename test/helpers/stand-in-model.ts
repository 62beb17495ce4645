import type {
  GenerateRequest,
  ModelUsage,
  StructuredModel,
} from "../../src/model/structured-model.ts";

export type StandInModel = StructuredModel & { requests: GenerateRequest<unknown>[] };

/**
 * A StructuredModel that answers each request with `answer(request)`, checked against the
 * request's own schema (so a stand-in cannot hand the code a value a real model could not), and
 * records the requests. Each call bills `usage`.
 */
export function createStandInModel(
  answer: (request: GenerateRequest<unknown>) => unknown,
  options: { id?: string; usage?: ModelUsage } = {},
): StandInModel {
  const requests: GenerateRequest<unknown>[] = [];
  const usage = options.usage ?? {
    inputTokens: 1000,
    outputTokens: 200,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
  };
  return {
    id: options.id ?? "stand-in-model",
    requests,
    async generate<T>(request: GenerateRequest<T>) {
      requests.push(request as GenerateRequest<unknown>);
      const value = request.output.parse.parse(answer(request as GenerateRequest<unknown>));
      return { value, usage: { ...usage }, calls: 1 };
    },
  };
}
