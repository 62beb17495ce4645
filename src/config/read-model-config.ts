import { z } from "zod";
import { knownModelPrice, type ModelPrice } from "./known-model-price.ts";

/** The current Sonnet. Claude Sonnet 4.5 reaches end of life on 2026-11-30. */
export const DEFAULT_MODEL = "claude-sonnet-5-5";

export const PROVIDERS = ["anthropic", "bedrock", "vertex", "openai"] as const;

/** Where the models are served, and how Revue reaches them (credentials found by each SDK). */
export type ProviderConfig = Readonly<
  | { kind: "anthropic"; apiKey: string | undefined; baseUrl: string | undefined }
  | { kind: "bedrock"; region: string; baseUrl: string | undefined }
  | { kind: "vertex"; projectId: string; region: string; baseUrl: string | undefined }
  | {
      kind: "openai";
      apiKey: string | undefined;
      baseUrl: string;
      responseFormat: "json_schema" | "json_object";
    }
>;

export type ModelConfig = Readonly<{
  provider: ProviderConfig;
  /** The review model (REVUE_MODEL); kept for records and logs that name "the" model. */
  id: string;
  /** The provider's key (Anthropic's or the OpenAI-compatible one), to keep out of any output. */
  apiKey: string | undefined;
  /** ANTHROPIC_BASE_URL, for the Anthropic provider. */
  baseUrl: string | undefined;
  /** Whether a model can be called: Anthropic needs a key; the others find credentials on use. */
  configured: boolean;
  /**
   * The model of each task; `summary` serves a separate summary call where there is one, `judge`
   * is the command line's eval judge (REVUE_JUDGE_MODEL), never a repository's choice.
   */
  tasks: Readonly<{ review: string; conversation: string; summary: string; judge: string }>;
  /** Asked when a task's model is overloaded (529, 503) or unavailable; same provider. */
  fallback: string | undefined;
  /** Models a repository's `.github/revue.yml` may choose: the task models, the fallback, REVUE_ALLOWED_MODELS. */
  allowed: readonly string[];
  /** Price of every allowed model and of the judge, dollars per million tokens. */
  prices: Readonly<Record<string, ModelPrice>>;
  /** Overrides the provider's default for Messages-API structured outputs (REVUE_STRUCTURED_OUTPUTS). */
  structuredOutputs: boolean | undefined;
  timeoutMs: number;
  maxRetries: number;
  /** The review model's price, as `costOf` reads it when no model is named. */
  pricePerMillionInput: number;
  pricePerMillionOutput: number;
}>;

const modelName = z.string().trim().min(1);
const price = z.object({ input: z.number().min(0), output: z.number().min(0) }).strict();

const modelEnvSchema = z.object({
  REVUE_PROVIDER: z
    .enum(PROVIDERS, { error: `must be one of ${PROVIDERS.join(", ")}` })
    .default("anthropic"),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url("must be a URL such as https://api.anthropic.com").optional(),
  AWS_REGION: z.string().min(1).optional(),
  AWS_DEFAULT_REGION: z.string().min(1).optional(),
  ANTHROPIC_BEDROCK_BASE_URL: z.url("must be a URL").optional(),
  ANTHROPIC_VERTEX_PROJECT_ID: z.string().min(1).optional(),
  CLOUD_ML_REGION: z.string().min(1).optional(),
  ANTHROPIC_VERTEX_BASE_URL: z.url("must be a URL").optional(),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url("must be a URL such as https://api.openai.com/v1").optional(),
  REVUE_OPENAI_RESPONSE_FORMAT: z
    .enum(["json_schema", "json_object"], { error: "must be json_schema or json_object" })
    .default("json_schema"),
  REVUE_STRUCTURED_OUTPUTS: z
    .enum(["true", "false"], { error: "must be true or false" })
    .transform((value) => value === "true")
    .optional(),
  REVUE_MODEL: modelName.optional(),
  REVUE_CONVERSATION_MODEL: modelName.optional(),
  REVUE_SUMMARY_MODEL: modelName.optional(),
  REVUE_FALLBACK_MODEL: modelName.optional(),
  REVUE_JUDGE_MODEL: modelName.optional(),
  REVUE_ALLOWED_MODELS: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .optional(),
  REVUE_MODEL_PRICES: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: "must be JSON" });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(z.string(), price, {
        error:
          'must map model names to prices, e.g. {"gpt-5.1":{"input":1.25,"output":10}} (dollars per million tokens)',
      }),
    )
    .optional(),
  REVUE_PRICE_INPUT_PER_MTOK: z.coerce
    .number({ error: "must be a number" })
    .min(0, "must be zero or more")
    .optional(),
  REVUE_PRICE_OUTPUT_PER_MTOK: z.coerce
    .number({ error: "must be a number" })
    .min(0, "must be zero or more")
    .optional(),
  REVUE_MODEL_TIMEOUT_MS: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .positive("must be greater than zero")
    .default(120_000),
  REVUE_MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
});

const sonnetPrice: ModelPrice = { input: 3, output: 15 };

/** Either the model configuration, or one line per problem naming the variable and the fix. */
export type ModelConfigResult =
  { ok: true; config: ModelConfig } | { ok: false; problems: string[] };

function providerOf(
  e: z.infer<typeof modelEnvSchema>,
  problems: string[],
): ProviderConfig | undefined {
  switch (e.REVUE_PROVIDER) {
    case "anthropic":
      return { kind: "anthropic", apiKey: e.ANTHROPIC_API_KEY, baseUrl: e.ANTHROPIC_BASE_URL };
    case "bedrock": {
      const region = e.AWS_REGION ?? e.AWS_DEFAULT_REGION;
      if (!region) {
        problems.push(
          "AWS_REGION: REVUE_PROVIDER=bedrock needs the AWS region, e.g. AWS_REGION=us-east-1",
        );
        return undefined;
      }
      return { kind: "bedrock", region, baseUrl: e.ANTHROPIC_BEDROCK_BASE_URL };
    }
    case "vertex": {
      if (!e.ANTHROPIC_VERTEX_PROJECT_ID) {
        problems.push(
          "ANTHROPIC_VERTEX_PROJECT_ID: REVUE_PROVIDER=vertex needs the Google Cloud project id",
        );
      }
      if (!e.CLOUD_ML_REGION) {
        problems.push(
          "CLOUD_ML_REGION: REVUE_PROVIDER=vertex needs the region, e.g. CLOUD_ML_REGION=us-east5 (or global)",
        );
      }
      if (!e.ANTHROPIC_VERTEX_PROJECT_ID || !e.CLOUD_ML_REGION) return undefined;
      return {
        kind: "vertex",
        projectId: e.ANTHROPIC_VERTEX_PROJECT_ID,
        region: e.CLOUD_ML_REGION,
        baseUrl: e.ANTHROPIC_VERTEX_BASE_URL,
      };
    }
    case "openai":
      return {
        kind: "openai",
        apiKey: e.OPENAI_API_KEY,
        baseUrl: e.OPENAI_BASE_URL ?? "https://api.openai.com/v1",
        responseFormat: e.REVUE_OPENAI_RESPONSE_FORMAT,
      };
  }
}

/**
 * Reads the model configuration from `env` (empty variables already dropped): the provider and
 * its endpoint, the model of each task, the fallback, the models repositories may choose and the
 * price of each. Never throws: a malformed or missing variable is a problem line naming it and
 * what to set. Existing deployments keep working: ANTHROPIC_API_KEY, REVUE_MODEL and the
 * REVUE_PRICE_* variables mean what they meant.
 */
export function readModelConfig(env: Record<string, string>): ModelConfigResult {
  const parsed = modelEnvSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (issue) =>
          `${issue.path.join(".")}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`,
      ),
    };
  }
  const e = parsed.data;
  const problems: string[] = [];
  const provider = providerOf(e, problems);
  if (!e.REVUE_MODEL && e.REVUE_PROVIDER !== "anthropic") {
    problems.push(
      `REVUE_MODEL: REVUE_PROVIDER=${e.REVUE_PROVIDER} needs the model's name there, e.g. ${
        {
          bedrock: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
          vertex: "claude-sonnet-4-5@20250929",
          openai: "gpt-5.1",
        }[e.REVUE_PROVIDER]
      }`,
    );
  }
  const review = e.REVUE_MODEL ?? DEFAULT_MODEL;
  const tasks = {
    review,
    conversation: e.REVUE_CONVERSATION_MODEL ?? review,
    summary: e.REVUE_SUMMARY_MODEL ?? review,
    judge: e.REVUE_JUDGE_MODEL ?? review,
  };
  // The eval judge is the operator's, for `revue eval`: a repository cannot choose it.
  const allowed = [
    ...new Set([
      tasks.review,
      tasks.conversation,
      tasks.summary,
      ...(e.REVUE_FALLBACK_MODEL ? [e.REVUE_FALLBACK_MODEL] : []),
      ...(e.REVUE_ALLOWED_MODELS ?? []),
    ]),
  ];
  // The old single-model price variables price REVUE_MODEL, as they always did.
  const legacy =
    e.REVUE_PRICE_INPUT_PER_MTOK !== undefined || e.REVUE_PRICE_OUTPUT_PER_MTOK !== undefined
      ? {
          input: e.REVUE_PRICE_INPUT_PER_MTOK ?? knownModelPrice(review)?.input ?? 0,
          output: e.REVUE_PRICE_OUTPUT_PER_MTOK ?? knownModelPrice(review)?.output ?? 0,
        }
      : undefined;
  const prices: Record<string, ModelPrice> = {};
  const unpriced: string[] = [];
  for (const model of new Set([...allowed, tasks.judge])) {
    const known =
      e.REVUE_MODEL_PRICES?.[model] ??
      (model === review ? legacy : undefined) ??
      knownModelPrice(model) ??
      // Before prices per model, any Anthropic model was priced as a Sonnet; kept for REVUE_MODEL.
      (model === review && e.REVUE_PROVIDER === "anthropic" ? sonnetPrice : undefined);
    if (known) prices[model] = Object.freeze({ ...known });
    else unpriced.push(model);
  }
  if (unpriced.length > 0) {
    problems.push(
      `REVUE_MODEL_PRICES: no price for ${unpriced.join(", ")}; costs and spending caps need one, e.g. REVUE_MODEL_PRICES={"${unpriced[0]}":{"input":1.25,"output":10}} (dollars per million tokens; 0 for a local model)`,
    );
  }
  if (!provider || problems.length > 0) return { ok: false, problems };
  const apiKey =
    provider.kind === "anthropic" || provider.kind === "openai" ? provider.apiKey : undefined;
  return {
    ok: true,
    config: Object.freeze({
      provider: Object.freeze(provider),
      id: review,
      apiKey,
      baseUrl: e.ANTHROPIC_BASE_URL,
      configured: provider.kind !== "anthropic" || Boolean(provider.apiKey),
      tasks: Object.freeze(tasks),
      fallback: e.REVUE_FALLBACK_MODEL,
      allowed: Object.freeze(allowed),
      prices: Object.freeze(prices),
      structuredOutputs: e.REVUE_STRUCTURED_OUTPUTS,
      timeoutMs: e.REVUE_MODEL_TIMEOUT_MS,
      maxRetries: e.REVUE_MODEL_MAX_RETRIES,
      pricePerMillionInput: prices[review]!.input,
      pricePerMillionOutput: prices[review]!.output,
    }),
  };
}
