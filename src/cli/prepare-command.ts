import pino, { type Logger } from "pino";
import { ConfigError, readConfig, type Config } from "../config/read-config.ts";
import type { Embedder } from "../embeddings/embedder.ts";
import { createTaskModel } from "../model/create-task-model.ts";
import type { StructuredModel } from "../model/structured-model.ts";
import { createClients } from "../runtime/create-clients.ts";
import { CliError } from "./cli-error.ts";

/** Where a command reads and writes, and the stand-ins tests give it. */
export type CommandIo = {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Used instead of the models built from the model settings, the eval judge's too (tests). */
  model?: StructuredModel;
};

export type PreparedCommand = {
  config: Config;
  log: Logger;
  model: StructuredModel;
  /** The eval judge: REVUE_JUDGE_MODEL's model (by default the review model's), or `io.model`. */
  judge: StructuredModel;
  embedder: Embedder;
};

/**
 * The configuration (from `io.env`, the same variables as the App) and a logger on standard error
 * (warnings only, unless `verbose`). Throws CliError for bad configuration.
 */
export function readCommandConfig(
  io: CommandIo,
  options: { verbose: boolean },
): { config: Config; log: Logger } {
  let config: Config;
  try {
    // The command line receives no webhooks, so it needs no WEBHOOK_SECRET where the App's
    // credentials are set for --post (readConfig requires one next to them, for the server).
    const env =
      io.env.APP_ID && !io.env.WEBHOOK_SECRET
        ? { ...io.env, WEBHOOK_SECRET: "unused-by-the-command-line" }
        : io.env;
    config = readConfig(env, io.cwd, false);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, { cause: error });
    throw error;
  }
  const log = pino(
    { level: options.verbose ? "debug" : "warn", base: undefined },
    { write: (line: string) => io.stderr(line) },
  );
  return { config, log };
}

/**
 * What a command that calls the model needs: readCommandConfig's, the review model, the eval
 * judge (a client that connects on first use) and the embedder.
 * Throws CliError for bad configuration and for a missing ANTHROPIC_API_KEY.
 */
export function prepareCommand(io: CommandIo, options: { verbose: boolean }): PreparedCommand {
  const { config, log } = readCommandConfig(io, options);
  const clients = createClients(config, log, io.model ? { structured: io.model } : {});
  if (!clients.structured) {
    throw new CliError(
      "ANTHROPIC_API_KEY is not set: Revue needs a model key to review. Create one at " +
        "https://console.anthropic.com/settings/keys and run again with ANTHROPIC_API_KEY=sk-ant-… in the environment.",
    );
  }
  const judge = io.model ?? createTaskModel(config.model, config.model.tasks.judge, log);
  return { config, log, model: clients.structured, judge, embedder: clients.embedder };
}
