import { existsSync } from "node:fs";
import path from "node:path";
import { getPrivateKey } from "@probot/get-private-key";
import { z } from "zod";

import { cacheDirectory } from "./cache-directory.ts";
import { readModelConfig, type ModelConfig } from "./read-model-config.ts";

export { DEFAULT_MODEL } from "./read-model-config.ts";

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no"], {
    error: "must be true or false",
  })
  .transform((value) => value === "true" || value === "1" || value === "yes");

const positiveInteger = z.coerce
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .positive("must be greater than zero");

const nonNegativeNumber = z.coerce
  .number({ error: "must be a number" })
  .min(0, "must be zero or more");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_ID: z
    .string()
    .regex(/^\d+$/, "must be the numeric App ID shown on the GitHub App's page")
    .optional(),
  PRIVATE_KEY: z.string().optional(),
  PRIVATE_KEY_PATH: z.string().optional(),
  WEBHOOK_SECRET: z.string().min(1).optional(),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GHE_HOST: z.string().optional(),
  GHE_PROTOCOL: z.enum(["http", "https"]).default("https"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string")
    .optional(),
  DATABASE_POOL_MAX: positiveInteger.default(10),
  DATABASE_CONNECT_TIMEOUT_MS: positiveInteger.default(5000),
  REVUE_DATA_DIR: z.string().default(".revue-data"),
  /** Where a template of a new embedded database is kept ("off": none); see src/db/pglite-template.ts. */
  REVUE_CACHE_DIR: z.string().optional(),
  REVUE_WORKERS: booleanString.default(true),
  REVUE_WORKER_CONCURRENCY: positiveInteger.default(2),
  REVUE_QUEUE_POLL_SECONDS: z.coerce.number().min(0.5).default(2),
  // Within Kubernetes' 30 s between SIGTERM and SIGKILL, with time to hand jobs back and close;
  // `docker stop` waits only 10 s, so docker-compose.yml sets stop_grace_period.
  REVUE_SHUTDOWN_GRACE_SECONDS: z.coerce
    .number({ error: "must be a number of seconds, such as 20" })
    .min(0, "must be between 0 and 3600 seconds")
    .max(3600, "must be between 0 and 3600 seconds")
    .default(20),
  // Group commit of webhook deliveries (src/handlers/group-commit-intake.ts): how long the first of
  // a batch waits for others. A few ms cost nothing next to GitHub's 10 s and save a commit each.
  REVUE_INTAKE_BATCH_MS: z.coerce
    .number({ error: "must be a number of milliseconds, such as 2" })
    .min(0, "must be between 0 and 1000 ms")
    .max(1000, "must be between 0 and 1000 ms")
    .default(2),
  REVUE_MAX_PROMPT_TOKENS: positiveInteger.default(60_000),
  REVUE_MAX_CALLS_PER_REVIEW: positiveInteger.default(6),
  REVUE_MAX_FILE_BYTES: positiveInteger.default(200_000),
  REVUE_EMBEDDINGS: z.enum(["local", "huggingface"]).default("local"),
  HF_TOKEN: z.string().optional(),
  HF_EMBEDDING_MODEL: z.string().default("sentence-transformers/all-MiniLM-L6-v2"),
  HF_ENDPOINT_URL: z.url().optional(),
  HF_EMBEDDING_DIMENSIONS: positiveInteger.default(384),
  REVUE_INDEX_MAX_FILE_BYTES: positiveInteger.default(500_000),
  REVUE_MEMORY_GATE_THRESHOLD: z.coerce
    .number({ error: "must be a number between 0 and 1" })
    .min(0, "must be between 0 and 1")
    .max(1, "must be between 0 and 1")
    // Chosen from the sweep in bench/memory-gate.ts with the local embedder (see README, Memory).
    .default(0.45),
  REVUE_MEMORY_MAX_TOKENS: positiveInteger.default(1500),
  REVUE_COST_CAP_REPOSITORY_DAY_USD: nonNegativeNumber.optional(),
  REVUE_COST_CAP_INSTALLATION_MONTH_USD: nonNegativeNumber.optional(),
  REVUE_TOKEN_CAP_REPOSITORY_DAY: positiveInteger.optional(),
  REVUE_TOKEN_CAP_INSTALLATION_MONTH: positiveInteger.optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WEBHOOK_PROXY_URL: z.url("must be a URL such as https://smee.io/your-channel").optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  REVUE_DASHBOARD_SECRET: z
    .string()
    .min(32, "must be at least 32 characters (e.g. the output of `openssl rand -hex 32`)")
    .optional(),
  REVUE_TRUST_PROXY: booleanString.default(false),
});

/** A spending limit: dollars, tokens (input, output and cache), either or both; undefined: none. */
export type SpendCap = Readonly<{ usd: number | undefined; tokens: number | undefined }>;

export type Config = Readonly<{
  production: boolean;
  github: Readonly<{
    appId: string | undefined;
    /**
     * The App's private key (PEM) from PRIVATE_KEY, the file at PRIVATE_KEY_PATH, or the one `.pem`
     * file in the working directory (Probot's rules), normalised; undefined when there is none.
     */
    privateKey: string | undefined;
    webhookSecret: string | undefined;
    /** A smee.io channel whose deliveries are relayed to the local server (development). */
    webhookProxyUrl: string | undefined;
    /** A personal access token, for the command line's `revue review --pr` (never used by the App). */
    token: string | undefined;
    /** `https://api.github.com`, or the API of the GitHub Enterprise host in `GHE_HOST`. */
    apiBaseUrl: string;
  }>;
  http: Readonly<{
    host: string;
    port: number;
    /**
     * REVUE_TRUST_PROXY: believe `X-Forwarded-Proto` (a reverse proxy terminates TLS), so the
     * dashboard's cookies are marked `Secure`. Off by default: a client could send the header itself.
     */
    trustProxy: boolean;
  }>;
  /**
   * The dashboard's sign-in: the App's OAuth client (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, written
   * by the setup page), undefined when either is missing; REVUE_DASHBOARD_SECRET, the key its cookies
   * are signed with (derived from the App's secrets when unset, see src/dashboard/README.md).
   */
  dashboard: Readonly<{
    oauth: Readonly<{ clientId: string; clientSecret: string }> | undefined;
    secret: string | undefined;
    /** `https://github.com`, or the GitHub Enterprise host: where people sign in. */
    webBaseUrl: string;
  }>;
  /** Where a workers-only process serves `/metrics` (METRICS_PORT); the web process serves it anyway. */
  metrics: Readonly<{ port: number | undefined }>;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  /** JSON lines, or readable lines for a person at a terminal (the default there, outside production). */
  logFormat: "json" | "pretty";
  database: Readonly<
    | { kind: "postgres"; url: string; poolMax: number; connectTimeoutMs: number }
    | {
        kind: "pglite";
        dataDir: string;
        /** Holds the template a new data directory is unpacked from; undefined: always initdb. */
        templateCacheDir?: string;
      }
  >;
  workers: Readonly<{
    inProcess: boolean;
    concurrency: number;
    pollSeconds: number;
    /** On SIGTERM, how long running jobs may finish before they are handed back to the queue. */
    shutdownGraceSeconds: number;
  }>;
  /** The provider, each task's model, the fallback, allowed models and prices (`read-model-config.ts`). */
  model: Readonly<ModelConfig & { maxPromptTokens: number; maxCallsPerReview: number }>;
  /** Webhook intake: the group commit's wait for a batch (REVUE_INTAKE_BATCH_MS). */
  intake: Readonly<{ batchMs: number }>;
  review: Readonly<{ maxFileBytes: number }>;
  /** The codebase index: files larger than this are skipped (and counted). */
  index: Readonly<{ maxFileBytes: number }>;
  /** Team memory: the gate's similarity threshold and the prompt budget of memories. */
  memory: Readonly<{ gateThreshold: number; maxTokens: number }>;
  /**
   * What reviews may spend, in dollars and in tokens, per repository per UTC day and per
   * installation per UTC month; undefined: no cap. A review that would pass one is skipped.
   */
  caps: Readonly<{ repositoryDay: SpendCap; installationMonth: SpendCap }>;
  embeddings: Readonly<
    | { kind: "local" }
    | {
        kind: "huggingface";
        token: string | undefined;
        model: string;
        endpointUrl: string | undefined;
        /** The model's vector size (HF_EMBEDDING_DIMENSIONS). */
        dimensions: number;
      }
  >;
}>;

/** Raised for configuration a person must fix; its message names the variable and the fix. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads and validates Revue's configuration from `env`, once, at start: the only reader of
 * environment variables. Throws ConfigError naming every bad variable (a PRIVATE_KEY that is not a
 * PEM key, a PRIVATE_KEY_PATH with no file behind it included). Production requires the GitHub App
 * credentials; development without them starts Probot's setup page instead.
 */
export function readConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  stdoutIsTerminal = Boolean(process.stdout.isTTY),
): Config {
  const parsed = envSchema.safeParse(dropEmpty(env));
  const model = readModelConfig(dropEmpty(env));
  if (!parsed.success || !model.ok) {
    const lines = [
      ...(parsed.success ? [] : parsed.error.issues).map(
        (issue) =>
          `${issue.path.join(".")}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`,
      ),
      ...(model.ok ? [] : model.problems),
    ].map((line) => `  ${line}`);
    throw new ConfigError(
      `Invalid configuration:\n${lines.join("\n")}\nSee "Configuration" in README.md.`,
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";

  if (production) {
    const missing: string[] = [];
    if (!e.APP_ID) missing.push("APP_ID: the numeric App ID from the GitHub App's settings page");
    if (!e.PRIVATE_KEY && !e.PRIVATE_KEY_PATH)
      missing.push("PRIVATE_KEY or PRIVATE_KEY_PATH: the App's private key (PEM)");
    if (!e.WEBHOOK_SECRET) missing.push("WEBHOOK_SECRET: the secret set on the App's webhook");
    if (missing.length > 0) {
      throw new ConfigError(
        `Missing configuration required in production (NODE_ENV=production):\n  ${missing.join("\n  ")}\n` +
          'Run once without NODE_ENV=production to create the App through the setup page, or see "Configuration" in README.md.',
      );
    }
  }
  if (!production && e.APP_ID && (e.PRIVATE_KEY || e.PRIVATE_KEY_PATH) && !e.WEBHOOK_SECRET) {
    // With the App's credentials Revue acts on GitHub; unverified deliveries would let anyone
    // make it act. Without them (the setup page) it cannot act, and a random secret is used.
    throw new ConfigError(
      "WEBHOOK_SECRET is missing: APP_ID and the private key are set, so deliveries must be verified.\n" +
        "  Set WEBHOOK_SECRET to the secret on the App's webhook (GitHub: the App's settings, General, Webhook secret),\n" +
        '  or remove APP_ID and the key to create a new App through the setup page. See "Configuration" in README.md.',
    );
  }
  if (e.REVUE_EMBEDDINGS === "huggingface" && !e.HF_TOKEN && !e.HF_ENDPOINT_URL) {
    throw new ConfigError(
      "REVUE_EMBEDDINGS=huggingface needs HF_TOKEN (a Hugging Face access token) or HF_ENDPOINT_URL (a self-hosted endpoint). Set one, or use REVUE_EMBEDDINGS=local.",
    );
  }

  if (Boolean(e.GITHUB_CLIENT_ID) !== Boolean(e.GITHUB_CLIENT_SECRET)) {
    throw new ConfigError(
      `${e.GITHUB_CLIENT_ID ? "GITHUB_CLIENT_SECRET" : "GITHUB_CLIENT_ID"} is missing: the dashboard's sign-in needs both the App's client id and a client secret.\n` +
        "  Both are on the GitHub App's settings page (General, Client ID; Generate a new client secret). Set both, or neither to turn sign-in off.",
    );
  }

  const privateKey = readPrivateKey(e, cwd);
  const githubWebBaseUrl = e.GHE_HOST ? `${e.GHE_PROTOCOL}://${e.GHE_HOST}` : "https://github.com";

  return Object.freeze({
    production,
    github: Object.freeze({
      appId: e.APP_ID,
      privateKey,
      webhookSecret: e.WEBHOOK_SECRET,
      webhookProxyUrl: e.WEBHOOK_PROXY_URL,
      token: e.GITHUB_TOKEN,
      apiBaseUrl: e.GHE_HOST ? `${githubWebBaseUrl}/api/v3` : "https://api.github.com",
    }),
    http: Object.freeze({ host: e.HOST, port: e.PORT, trustProxy: e.REVUE_TRUST_PROXY }),
    dashboard: Object.freeze({
      oauth:
        e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET
          ? Object.freeze({ clientId: e.GITHUB_CLIENT_ID, clientSecret: e.GITHUB_CLIENT_SECRET })
          : undefined,
      secret: e.REVUE_DASHBOARD_SECRET,
      webBaseUrl: githubWebBaseUrl,
    }),
    metrics: Object.freeze({ port: e.METRICS_PORT }),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (!production && stdoutIsTerminal ? "pretty" : "json"),
    database: Object.freeze(
      e.DATABASE_URL
        ? {
            kind: "postgres" as const,
            url: e.DATABASE_URL,
            poolMax: e.DATABASE_POOL_MAX,
            connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
          }
        : {
            kind: "pglite" as const,
            dataDir: path.resolve(cwd, e.REVUE_DATA_DIR),
            templateCacheDir: cacheDirectory({ ...env, REVUE_CACHE_DIR: e.REVUE_CACHE_DIR }, cwd),
          },
    ),
    workers: Object.freeze({
      inProcess: e.REVUE_WORKERS,
      concurrency: e.REVUE_WORKER_CONCURRENCY,
      pollSeconds: e.REVUE_QUEUE_POLL_SECONDS,
      shutdownGraceSeconds: e.REVUE_SHUTDOWN_GRACE_SECONDS,
    }),
    intake: Object.freeze({ batchMs: e.REVUE_INTAKE_BATCH_MS }),
    model: Object.freeze({
      ...model.config,
      maxPromptTokens: e.REVUE_MAX_PROMPT_TOKENS,
      maxCallsPerReview: e.REVUE_MAX_CALLS_PER_REVIEW,
    }),
    review: Object.freeze({ maxFileBytes: e.REVUE_MAX_FILE_BYTES }),
    index: Object.freeze({ maxFileBytes: e.REVUE_INDEX_MAX_FILE_BYTES }),
    memory: Object.freeze({
      gateThreshold: e.REVUE_MEMORY_GATE_THRESHOLD,
      maxTokens: e.REVUE_MEMORY_MAX_TOKENS,
    }),
    caps: Object.freeze({
      repositoryDay: Object.freeze({
        usd: e.REVUE_COST_CAP_REPOSITORY_DAY_USD,
        tokens: e.REVUE_TOKEN_CAP_REPOSITORY_DAY,
      }),
      installationMonth: Object.freeze({
        usd: e.REVUE_COST_CAP_INSTALLATION_MONTH_USD,
        tokens: e.REVUE_TOKEN_CAP_INSTALLATION_MONTH,
      }),
    }),
    embeddings: Object.freeze(
      e.REVUE_EMBEDDINGS === "huggingface"
        ? {
            kind: "huggingface" as const,
            token: e.HF_TOKEN,
            model: e.HF_EMBEDDING_MODEL,
            endpointUrl: e.HF_ENDPOINT_URL,
            dimensions: e.HF_EMBEDDING_DIMENSIONS,
          }
        : { kind: "local" as const },
    ),
  });
}

/** An empty variable (`FOO=`) means "not set", as in most shells' intent. */
function dropEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

/**
 * The App's private key by Probot's rules (PRIVATE_KEY, inline, escaped or base64; else the file at
 * PRIVATE_KEY_PATH, relative to `cwd`; else the only `.pem` file in `cwd`), or undefined when there
 * is none. Throws ConfigError when a key is given but cannot be read.
 */
function readPrivateKey(
  e: { PRIVATE_KEY?: string; PRIVATE_KEY_PATH?: string },
  cwd: string,
): string | undefined {
  // Without either variable Probot looks for a .pem file in `cwd`; a directory that is not there has none.
  if (!e.PRIVATE_KEY && !e.PRIVATE_KEY_PATH && !existsSync(cwd)) return undefined;
  try {
    const env = { PRIVATE_KEY: e.PRIVATE_KEY, PRIVATE_KEY_PATH: e.PRIVATE_KEY_PATH };
    return getPrivateKey({ env, cwd }) ?? undefined;
  } catch (error) {
    throw new ConfigError(`PRIVATE_KEY / PRIVATE_KEY_PATH: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
