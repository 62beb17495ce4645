// The SDK's error classes alone (the same classes its client throws), not the whole SDK: the
// client is imported at the first request (load-once.ts).
import { APIConnectionError, APIError, APIUserAbortError } from "@anthropic-ai/sdk/core/error";
import { readRetryAfterMs } from "./read-retry-after.ts";

export type Failure =
  | { kind: "aborted" }
  | {
      kind: "retryable";
      status: number | undefined;
      reason: string;
      retryAfterMs: number | undefined;
    }
  | { kind: "permanent"; status: number | undefined; reason: string };

/**
 * Sorts an error thrown by the Anthropic SDK's `messages.create` by what retrying could achieve:
 * 408, 429, 5xx (529 overloaded included) and connection errors are retryable, with the wait the
 * server asked for; any other status, or an error that is not the SDK's, is permanent.
 */
export function classifyFailure(error: unknown, nowMs: number): Failure {
  if (error instanceof APIUserAbortError) return { kind: "aborted" };
  // Includes APIConnectionTimeoutError: the request outlived timeoutMs.
  if (error instanceof APIConnectionError) {
    return { kind: "retryable", status: undefined, reason: error.name, retryAfterMs: undefined };
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const status = error.status;
    const reason = `${status} ${error.type ?? "error"}`;
    // 408 is the server timing the request out; 529 (overloaded) is inside 5xx.
    if (status === 408 || status === 429 || status >= 500) {
      return {
        kind: "retryable",
        status,
        reason,
        retryAfterMs: readRetryAfterMs(error.headers, nowMs),
      };
    }
    // The API's own explanation (e.g. "prompt is too long") names what to fix; it holds no secrets.
    const detail = error.apiMessage ? `: ${error.apiMessage}` : "";
    return { kind: "permanent", status, reason: `${reason}${detail}` };
  }
  return { kind: "permanent", status: undefined, reason: "unexpected error" };
}
