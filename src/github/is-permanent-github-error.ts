import { statusOf } from "./github-types.ts";

/** Statuses with which GitHub says "this request will not succeed as it is". */
const PERMANENT = new Set([400, 401, 403, 404, 410, 422]);

/**
 * True when GitHub refused a request for good (bad request, no permission, gone, invalid), so
 * retrying the job cannot help; false for rate limits, server errors, timeouts and anything that is
 * not an HTTP answer. A 403 or 429 that is a rate limit (`retry-after`, or no requests left) is
 * not permanent: it passes once the limit resets.
 */
export function isPermanentGitHubError(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined || !PERMANENT.has(status)) return false;
  if (status === 403) {
    const headers = (error as { response?: { headers?: Record<string, unknown> } }).response
      ?.headers;
    if (headers?.["retry-after"] !== undefined) return false;
    if (String(headers?.["x-ratelimit-remaining"]) === "0") return false;
    if (/rate limit/i.test((error as Error).message ?? "")) return false;
  }
  return true;
}
