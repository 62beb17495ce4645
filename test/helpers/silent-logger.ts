import { pino, type Logger } from "pino";

/** A logger that drops everything below `LOG_LEVEL` (silent by default) for tests. */
export function silentLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
}
