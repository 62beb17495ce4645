import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * Structured JSON logs (or, with `format: "pretty"`, the same records as readable lines for a
 * person at a terminal). Secrets never reach them: known secret fields are redacted wherever they
 * appear in a logged object.
 */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
  format: "json" | "pretty" = "json",
): Logger {
  const stream =
    destination ??
    (format === "pretty"
      ? pretty({ colorize: true, sync: true, ignore: "pid,hostname", translateTime: "HH:MM:ss" })
      : process.stdout);
  return pino(
    {
      level,
      base: { name: "revue" },
      redact: {
        paths: [
          "privateKey",
          "*.privateKey",
          "apiKey",
          "*.apiKey",
          "headers.authorization",
          "*.headers.authorization",
          "req.headers.authorization",
          "secret",
          "*.secret",
        ],
        censor: "[redacted]",
      },
    },
    stream,
  );
}
