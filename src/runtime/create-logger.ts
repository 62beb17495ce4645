import { pino, type Logger } from "pino";

/**
 * Structured JSON logs. Secrets never reach them: known secret fields are redacted wherever they
 * appear in a logged object.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
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
    destination ?? process.stdout,
  );
}
