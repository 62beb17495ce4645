import type { Logger } from "pino";

/** What a webhook's 500 answer says: nothing internal, and what GitHub's side can do. */
export const GENERIC_FAILURE = "Revue could not record this delivery; redeliver it later";

/**
 * Wraps a webhook handler so that its failure reaches the HTTP answer as GENERIC_FAILURE alone.
 * @octokit/webhooks answers 500 with the thrown error's name and message, which for a database
 * outage carry its address (`connect ECONNREFUSED 10.0.0.5:5432`); the real error is logged here,
 * with the delivery, and never sent.
 */
export function answerGenericFailure<C extends { id: string; name: string }>(
  log: Logger,
  handler: (context: C) => Promise<unknown>,
): (context: C) => Promise<void> {
  return async (context) => {
    try {
      await handler(context);
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
