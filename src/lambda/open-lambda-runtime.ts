import { getPrivateKey } from "@probot/get-private-key";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { Probot } from "probot";
import { ConfigError, readConfig, type Config } from "../config/read-config.ts";
import { openDatabase, type DatabaseHandle } from "../db/open-database.ts";
import { startQueue } from "../queue/start-queue.ts";
import { createLogger } from "../runtime/create-logger.ts";

export type LambdaRuntime = {
  config: Config;
  database: DatabaseHandle;
  boss: PgBoss;
  probot: Probot;
  log: Logger;
};

/**
 * What a Lambda function needs, opened once per cold start from the environment: configuration,
 * the PostgreSQL pool, pg-boss without background timers, and a Probot with the App's credentials.
 * Throws ConfigError when DATABASE_URL or the App credentials are missing. Migrations are not run
 * here: run `npm run migrate` against DATABASE_URL when deploying (README, "AWS Lambda").
 */
export async function openLambdaRuntime(
  env: NodeJS.ProcessEnv = process.env,
): Promise<LambdaRuntime> {
  const config = readConfig(env);
  if (config.database.kind !== "postgres") {
    throw new ConfigError(
      "AWS Lambda needs DATABASE_URL (PostgreSQL with pgvector): the embedded PGlite database lives on local disk, which a Lambda neither keeps between invocations nor shares between concurrent ones.",
    );
  }
  const privateKey = getPrivateKey({ env })?.toString();
  const { appId, webhookSecret } = config.github;
  if (!appId || !privateKey || !webhookSecret) {
    throw new ConfigError(
      'AWS Lambda needs APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH) and WEBHOOK_SECRET: create the App with `npm start` first (README, "First review, step by step") and copy them from .env.',
    );
  }
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config.database);
  try {
    const boss = await startQueue(database, { log, background: false });
    const probot = new Probot({
      appId,
      privateKey,
      secret: webhookSecret,
      baseUrl: config.github.apiBaseUrl,
      log,
    });
    return { config, database, boss, probot, log };
  } catch (error) {
    await database.close();
    throw error;
  }
}
