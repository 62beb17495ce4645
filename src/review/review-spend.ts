import { sql } from "kysely";
import type { SpendCap } from "../config/read-config.ts";
import type { Database } from "../db/open-database.ts";

/** Dollars and tokens (input, output and cache) spent. */
export type Spent = { usd: number; tokens: number };

/** What reviews spent in the periods the caps count, and what one review here usually costs. */
export type Spend = {
  /** This repository, since 00:00 UTC today. */
  repositoryDay: Spent;
  /** This installation, since the first of this month, 00:00 UTC. */
  installationMonth: Spent;
  /** The mean of this repository's last reviews that called the model (zero when none did). */
  typicalReview: Spent;
};

export type Caps = { repositoryDay: SpendCap; installationMonth: SpendCap };

/** A cap a review would pass: which, in what unit, the limit, what is spent, and when it resets. */
export type CapReached = {
  scope: "repositoryDay" | "installationMonth";
  unit: "usd" | "tokens";
  limit: number;
  spent: number;
  /** What this review is expected to add (the typical review). */
  expected: number;
  resetsAt: Date;
};

/** How many recent reviews the typical review is the mean of. */
const TYPICAL_OF = 20;

/** True when any cap is set: only then is spend read. */
export function hasCaps(caps: Caps): boolean {
  return [caps.repositoryDay, caps.installationMonth].some(
    (cap) => cap.usd !== undefined || cap.tokens !== undefined,
  );
}

/** Reads what the caps are checked against (indexed by repository or installation, and time). */
export async function readSpend(
  db: Database,
  target: { installationId: number; repositoryId: number },
  now: Date,
): Promise<Spend> {
  const { day, month } = periodStarts(now);
  const spentSince = (column: "repository_id" | "installation_id", id: number, since: Date) =>
    db
      .selectFrom("reviews")
      .select([
        sql<string>`coalesce(sum(cost_usd), 0)`.as("usd"),
        sql<string>`coalesce(sum(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens), 0)`.as(
          "tokens",
        ),
      ])
      .where(column, "=", id)
      .where("created_at", ">=", since)
      .executeTakeFirstOrThrow();
  const recent = db
    .selectFrom("reviews")
    .select([
      "cost_usd",
      "input_tokens",
      "output_tokens",
      "cache_read_tokens",
      "cache_write_tokens",
    ])
    .where("repository_id", "=", target.repositoryId)
    .where("model_calls", ">", 0)
    .orderBy("created_at", "desc")
    .limit(TYPICAL_OF)
    .execute();
  const [repositoryDay, installationMonth, last] = await Promise.all([
    spentSince("repository_id", target.repositoryId, day),
    spentSince("installation_id", target.installationId, month),
    recent,
  ]);
  const typicalReview =
    last.length === 0
      ? { usd: 0, tokens: 0 }
      : {
          usd: last.reduce((sum, r) => sum + Number(r.cost_usd), 0) / last.length,
          tokens:
            last.reduce(
              (sum, r) =>
                sum +
                Number(r.input_tokens) +
                Number(r.output_tokens) +
                Number(r.cache_read_tokens) +
                Number(r.cache_write_tokens),
              0,
            ) / last.length,
        };
  return {
    repositoryDay: { usd: Number(repositoryDay.usd), tokens: Number(repositoryDay.tokens) },
    installationMonth: {
      usd: Number(installationMonth.usd),
      tokens: Number(installationMonth.tokens),
    },
    typicalReview,
  };
}

/**
 * The first cap one more review would pass, or null: a cap is passed when what is spent in its
 * period plus the typical review's cost is over the limit (so a limit of 0 stops every review, and
 * the last review of the day is the one that fits). Repository caps are checked before
 * installation caps, dollars before tokens. Pure.
 */
export function findCapReached(spend: Spend, caps: Caps, now: Date): CapReached | null {
  const { day, month } = periodStarts(now);
  const scopes = [
    { scope: "repositoryDay", resetsAt: nextDay(day) },
    { scope: "installationMonth", resetsAt: nextMonth(month) },
  ] as const;
  for (const { scope, resetsAt } of scopes) {
    for (const unit of ["usd", "tokens"] as const) {
      const limit = caps[scope][unit];
      if (limit === undefined) continue;
      const spent = spend[scope][unit];
      const expected = spend.typicalReview[unit];
      if (spent + expected > limit || spent >= limit) {
        return { scope, unit, limit, spent, expected, resetsAt };
      }
    }
  }
  return null;
}

function periodStarts(now: Date): { day: Date; month: Date } {
  return {
    day: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
    month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
  };
}

function nextDay(day: Date): Date {
  return new Date(day.getTime() + 24 * 3600_000);
}

function nextMonth(month: Date): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
}
