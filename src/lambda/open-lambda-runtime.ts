import { ConfigError, readConfig } from "../config/read-config.ts";
import { buildRuntime, type Runtime } from "../runtime/build-runtime.ts";
import { createLogger } from "../runtime/create-logger.ts";

/**
 * What a Lambda function needs, opened once per cold start from the environment by the composition
 * root (src/runtime/build-runtime.ts): configuration, the PostgreSQL pool, pg-boss without
 * background timers, Probot with the App's credentials, and the clients the jobs use.
 * Throws ConfigError when DATABASE_URL or the App credentials are missing. Migrations are not run
 * here: run `npm run migrate` against DATABASE_URL when deploying (README, "AWS Lambda").
 */
export async function openLambdaRuntime(env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  const config = readConfig(env);
  if (config.database.kind !== "postgres") {
    throw new ConfigError(
      "AWS Lambda needs DATABASE_URL (PostgreSQL with pgvector): the embedded PGlite database lives on local disk, which a Lambda neither keeps between invocations nor shares between concurrent ones.",
    );
  }
  const { appId, privateKey, webhookSecret } = config.github;
  if (!appId || !privateKey || !webhookSecret) {
    throw new ConfigError(
      'AWS Lambda needs APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET: create the App with `npm start` first (README, "First review, step by step") and copy them from .env.',
    );
  }
  const log = createLogger(config.logLevel);
  return buildRuntime({ config, log, migrate: false, queueInBackground: false });
}
