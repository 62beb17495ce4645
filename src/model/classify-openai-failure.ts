// The SDK's error classes alone (the same classes its client throws), not the whole SDK: the
// client is imported at the first request (load-once.ts).
import { APIConnectionError, APIError, APIUserAbortError } from "openai/core/error";
import type { Failure } from "./classify-failure.ts";
import { readRetryAfterMs } from "./read-retry-after.ts";

/**
 * Sorts an error thrown by the OpenAI SDK's `chat.completions.create` by what retrying could
 * achieve: 408, 429, 5xx and connection errors are retryable, with the wait the server asked for
 * (`retry-after-ms`, `retry-after`); a 429 for an exhausted quota (`insufficient_quota`), any other
 * status, or an error that is not the SDK's, is permanent.
 */
export function classifyOpenAIFailure(error: unknown, nowMs: number): Failure {
  if (error instanceof APIUserAbortError) return { kind: "aborted" };
  // Includes APIConnectionTimeoutError: the request outlived timeoutMs.
  if (error instanceof APIConnectionError) {
    return { kind: "retryable", status: undefined, reason: error.name, retryAfterMs: undefined };
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const status = error.status;
    const reason = `${status} ${error.code ?? error.type ?? "error"}`;
    // A spent quota or budget stays spent until someone pays; waiting will not end it.
    const quotaSpent = error.code === "insufficient_quota";
    if ((status === 408 || status === 429 || status >= 500) && !quotaSpent) {
      return {
        kind: "retryable",
        status,
        reason,
        retryAfterMs: readRetryAfterMs(error.headers, nowMs),
      };
    }
    // The server's own explanation (e.g. "maximum context length") names what to fix.
    const detail =
      typeof error.error === "object" && error.error !== null && "message" in error.error
        ? `: ${String(error.error.message)}`
        : "";
    return { kind: "permanent", status, reason: `${reason}${detail}` };
  }
  return { kind: "permanent", status: undefined, reason: "unexpected error" };
}
