import type { Logger } from "pino";
import type { Database } from "../db/open-database.ts";
import type { Octokit } from "../github/github-types.ts";

/**
 * GitHub redelivers a delivery only when asked, and only for three days: ask within that, with an
 * hour to spare for a slow run.
 */
export const REDELIVERY_WINDOW_HOURS = 71;

/** Failures a redelivery cannot turn into a success: a payload too large for any receiver. */
const HOPELESS_STATUS = new Set([413]);

/** One attempt of a delivery, as `GET /app/hook/deliveries` lists it (newest first). */
export type DeliveryAttempt = {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
};

export type RedeliveryOutcome = {
  /** The guids whose redelivery was asked for in this run. */
  requested: string[];
  /** Failed deliveries left alone: stored after all, asked for before, or hopeless. */
  skipped: number;
};

/**
 * Asks GitHub to redeliver each webhook delivery of the last REDELIVERY_WINDOW_HOURS that Revue
 * never stored (GitHub does not retry on its own): every attempt of it failed (not 2xx), its guid
 * is not among the stored deliveries, and Revue has not asked for it before. Each guid is asked
 * for once: the request is recorded before it is sent, and forgotten again if GitHub refuses it,
 * so the next run tries again. Throws after trying them all when any request failed (the job
 * retries; those already asked for are not asked again).
 */
export async function redeliverFailedDeliveries(deps: {
  db: Database;
  /** An Octokit authenticated as the App itself (a JWT), which the deliveries API needs. */
  appOctokit: Octokit;
  log: Logger;
  now?: () => Date;
}): Promise<RedeliveryOutcome> {
  const now = deps.now?.() ?? new Date();
  const since = now.getTime() - REDELIVERY_WINDOW_HOURS * 3600_000;
  const attempts = await listAttemptsSince(deps.appOctokit, since);
  const failed = failedDeliveries(attempts);
  const stored = await storedGuids(deps.db, [...failed.keys()]);

  const requested: string[] = [];
  const errors: unknown[] = [];
  for (const [guid, latest] of failed) {
    if (stored.has(guid) || HOPELESS_STATUS.has(latest.status_code)) continue;
    const claimed = await deps.db
      .insertInto("redelivery_requests")
      .values({ guid, event: latest.event, attempt_id: latest.id })
      .onConflict((oc) => oc.column("guid").doNothing())
      .returning("guid")
      .executeTakeFirst();
    if (!claimed) continue;
    try {
      await deps.appOctokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
        delivery_id: latest.id,
      });
      requested.push(guid);
    } catch (error) {
      await deps.db.deleteFrom("redelivery_requests").where("guid", "=", guid).execute();
      errors.push(error);
      deps.log.warn({ err: error, delivery: guid }, "GitHub refused to redeliver a delivery");
    }
  }
  const outcome = { requested, skipped: failed.size - requested.length - errors.length };
  if (requested.length > 0 || errors.length > 0) {
    deps.log.info(
      { requested: requested.length, failed: errors.length, skipped: outcome.skipped },
      "asked GitHub to redeliver the deliveries Revue did not store",
    );
  }
  if (errors.length > 0) {
    throw new Error(`${errors.length} redelivery request(s) failed; retried on the next run`, {
      cause: errors[0],
    });
  }
  return outcome;
}

/** Every attempt GitHub lists from `since` on: pages are newest first, so paging stops there. */
async function listAttemptsSince(octokit: Octokit, since: number): Promise<DeliveryAttempt[]> {
  const attempts: DeliveryAttempt[] = [];
  for await (const page of octokit.paginate.iterator("GET /app/hook/deliveries", {
    per_page: 100,
  })) {
    const items = page.data as DeliveryAttempt[];
    for (const item of items) {
      if (Date.parse(item.delivered_at) >= since) attempts.push(item);
    }
    const oldest = items.at(-1);
    if (!oldest || Date.parse(oldest.delivered_at) < since) break;
  }
  return attempts;
}

/** guid -> its latest attempt, for the deliveries none of whose attempts succeeded. */
export function failedDeliveries(
  attempts: readonly DeliveryAttempt[],
): Map<string, DeliveryAttempt> {
  const latest = new Map<string, DeliveryAttempt>();
  const succeeded = new Set<string>();
  for (const attempt of attempts) {
    if (attempt.status_code >= 200 && attempt.status_code < 300) succeeded.add(attempt.guid);
    const seen = latest.get(attempt.guid);
    if (!seen || Date.parse(attempt.delivered_at) > Date.parse(seen.delivered_at)) {
      latest.set(attempt.guid, attempt);
    }
  }
  for (const guid of succeeded) latest.delete(guid);
  return latest;
}

/** The guids among `guids` that Revue stored as deliveries (so they were received after all). */
async function storedGuids(db: Database, guids: string[]): Promise<Set<string>> {
  if (guids.length === 0) return new Set();
  const rows = await db
    .selectFrom("webhook_deliveries")
    .select("delivery_id")
    .where("delivery_id", "in", guids)
    .execute();
  return new Set(rows.map((row) => row.delivery_id));
}
