import type { Logger } from "pino";
import { withTimeout } from "./with-timeout.ts";

/** What a webhook's 500 answer says: nothing internal, and what GitHub's side can do. */
export const GENERIC_FAILURE = "Revue could not record this delivery; redeliver it later";

/**
 * How long a webhook handler may take to store its delivery before the answer is a 500.
 * @octokit/webhooks answers `202 still processing` at 9 s and drops whatever happens later, and
 * GitHub gives up at 10 s: a 2xx must mean stored, so a slow store answers 500 first.
 */
export const WEBHOOK_DEADLINE_MS = 8000;

/**
 * Wraps a webhook handler so that its failure reaches the HTTP answer as GENERIC_FAILURE alone,
 * and so that a handler still running after `deadlineMs` fails the delivery (500) instead of
 * letting the webhook library answer 202 for work that may never be stored. A handler that
 * finishes after its deadline is harmless: the delivery id is recorded with its job, so GitHub's
 * redelivery of it enqueues nothing twice.
 * @octokit/webhooks answers 500 with the thrown error's name and message, which for a database
 * outage carry its address (`connect ECONNREFUSED 10.0.0.5:5432`); the real error is logged here,
 * with the delivery, and never sent.
 */
export function answerGenericFailure<C extends { id: string; name: string }>(
  log: Logger,
  handler: (context: C) => Promise<unknown>,
  deadlineMs = WEBHOOK_DEADLINE_MS,
): (context: C) => Promise<void> {
  return async (context) => {
    const work = handler(context);
    try {
      await withTimeout(work, deadlineMs, () => {
        // Answered 500 now; say how the late work ends, for whoever reads the logs.
        work.then(
          () => log.warn({ delivery: context.id }, "webhook handler finished after its deadline"),
          () => {},
        );
        return new Error(`the delivery was not stored within ${deadlineMs} ms`);
      });
    } catch (error) {
      log.error(
        { err: error, delivery: context.id, event: context.name },
        "webhook handler failed",
      );
      // The cause stays for logs; @octokit/webhooks answers with the name and message alone.
      throw new Error(GENERIC_FAILURE, { cause: error });
    }
  };
}
