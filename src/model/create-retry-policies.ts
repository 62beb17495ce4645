import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { RetryPolicy } from "./call-with-retries.ts";

/** What every provider's model takes besides its credentials and endpoint. */
export type ModelCallOptions = {
  /** The provider's model name, e.g. "claude-sonnet-5-5" or "gpt-5.1". */
  model: string;
  /** Per HTTP request, in whole milliseconds; a request that takes longer is retried. */
  timeoutMs: number;
  /** Retries of one HTTP call after its first attempt (0 = no retries). */
  maxRetries: number;
  /** Give up at the first 529/503 so a fallback model answers (see `createFallbackModel`). */
  giveUpWhenOverloaded?: boolean;
  log?: Logger;
  /** Waits between retries; injectable so tests run instantly and can assert the waits. */
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
  /** Clock for `retry-after` HTTP dates; defaults to Date.now. */
  now?: () => number;
  /** Jitter source in [0, 1); defaults to Math.random. */
  random?: () => number;
};

/**
 * The retry policy of each task's calls, from a model's options. Throws RangeError for a
 * `timeoutMs` or `maxRetries` an SDK would only reject at request time.
 */
export function createRetryPolicies(options: ModelCallOptions): (task: string) => RetryPolicy {
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError(
      `timeoutMs must be a positive whole number of milliseconds, got ${options.timeoutMs}`,
    );
  }
  if (!Number.isInteger(options.maxRetries) || options.maxRetries < 0) {
    throw new RangeError(
      `maxRetries must be a whole number of 0 or more, got ${options.maxRetries}`,
    );
  }
  const log = options.log?.child({ model: options.model });
  return (task) => ({
    task,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    giveUpWhenOverloaded: options.giveUpWhenOverloaded ?? false,
    sleep: options.sleep ?? ((ms: number) => delay(ms)),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    log: log?.child({ task }),
  });
}
