import { existsSync } from "node:fs";
import { ConfigError } from "../config/read-config.ts";
import { DatabaseUnavailableError } from "../db/open-database.ts";
import { startRevue, type Role } from "../runtime/start-revue.ts";
import { flushCompileCache } from "./enable-compile-cache.ts";

/**
 * Entry point shared by `npm start` and `npm run worker`: loads `.env` (where the setup page writes
 * the App's credentials), starts Revue, and drains on SIGTERM/SIGINT. A configuration or database
 * problem exits with status 1 and a message saying what to do, never a stack trace.
 *
 * The signal handlers are in place before the start begins: the server listens before the start
 * has finished (the queue and workers come after), and a SIGTERM in that window must drain what
 * started rather than kill the process with the default action.
 */
export async function runMain(role: Role): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const started = startRevue({ role });
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    console.error(`received ${signal}: draining (send again to exit at once)`);
    started
      .then((revue) => revue.stop())
      .then(
        () => process.exit(0),
        (error) => {
          // A start that failed has already been reported below.
          if (!isReportedStartError(error)) console.error(error);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  try {
    await started;
    // The code a start compiled, kept now rather than at exit, which a killed server never reaches.
    flushCompileCache();
  } catch (error) {
    if (isReportedStartError(error)) {
      console.error(`revue: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

function isReportedStartError(error: unknown): error is Error {
  return error instanceof ConfigError || error instanceof DatabaseUnavailableError;
}
