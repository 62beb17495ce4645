import { sql } from "kysely";
import type { Database } from "../../db/open-database.ts";
import { countQueueJobs } from "../../queue/count-queue-jobs.ts";
import {
  SEVERITIES,
  type DashboardScope,
  type DateRange,
  type DayFigures,
  type HistogramBin,
  type Overview,
  type RepositoryFigures,
  type Severity,
} from "./dashboard-types.ts";
import { scopeIds } from "./in-scope.ts";

/** Bounds of the time-to-review histogram, in milliseconds: under 30 s, 30 s to 1 min, ..., 30 min and over. */
export const TIME_TO_REVIEW_BOUNDS = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];

export const TIME_TO_REVIEW_MEASURE =
  "reviews.duration_ms: from the review job starting (the push's webhook is handled in milliseconds, then the job waits in the queue) to the review posted and recorded; posted reviews only";

const DAY_MS = 86_400_000;
const MAX_DAYS = 400;

/**
 * The overview of the reviews in `scope` created in `[from, to)`: per UTC day and per repository
 * (reviews, tokens, cost), findings by severity and the shares addressed and dismissed, time to
 * review (median, p95, histogram), and, given pg-boss's schema, the queues as they stand now.
 * Reads the reviews by (installation_id, created_at) and their findings by review_id, in four
 * statements. Throws a RangeError for a range that is empty or longer than 400 days.
 */
export async function readOverview(
  db: Database,
  scope: DashboardScope,
  range: DateRange & { queueSchema?: string },
): Promise<Overview> {
  const { from, to } = range;
  const days = Math.ceil((to.getTime() - from.getTime()) / DAY_MS);
  if (!(days > 0 && days <= MAX_DAYS)) {
    throw new RangeError(
      `range: from (${from.toISOString()}) must be before to (${to.toISOString()}), at most ${MAX_DAYS} days apart.`,
    );
  }
  const ids = scopeIds(scope);
  const [repositories, groups, times, findings, queue] = await Promise.all([
    ids ? readRepositories(db, ids) : [],
    ids ? readDayRepositoryGroups(db, ids, range) : [],
    ids ? readTimeToReview(db, ids, range) : null,
    ids ? readFindingCounts(db, ids, range) : [],
    range.queueSchema ? readQueue(db, range.queueSchema) : null,
  ]);

  const names = new Map(repositories.map((r) => [r.id, r]));
  const perDay = emptyDays(from, days);
  const dayIndex = new Map(perDay.map((d, index) => [d.day, index]));
  const perRepository = new Map<number, RepositoryFigures>();
  const totals = { reviews: 0, posted: 0, failed: 0, tokens: 0, costUsd: 0 };
  for (const g of groups) {
    const day = perDay[dayIndex.get(g.day)!]!;
    day.reviews += g.reviews;
    day.posted += g.posted;
    day.failed += g.failed;
    day.tokens += g.tokens;
    day.costUsd += g.cost_usd;
    const repository = perRepository.get(g.repository_id) ?? {
      id: g.repository_id,
      installationId: names.get(g.repository_id)?.installationId ?? 0,
      fullName: names.get(g.repository_id)?.fullName ?? `repository ${g.repository_id}`,
      reviews: 0,
      failed: 0,
      tokens: 0,
      costUsd: 0,
    };
    repository.reviews += g.reviews;
    repository.failed += g.failed;
    repository.tokens += g.tokens;
    repository.costUsd += g.cost_usd;
    perRepository.set(g.repository_id, repository);
    totals.reviews += g.reviews;
    totals.posted += g.posted;
    totals.failed += g.failed;
    totals.tokens += g.tokens;
    totals.costUsd += g.cost_usd;
  }

  const bySeverity = new Map<string, number>();
  let addressed = 0;
  let dismissed = 0;
  let total = 0;
  for (const f of findings) {
    bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + f.count);
    total += f.count;
    if (f.status === "addressed") addressed += f.count;
    if (f.status === "dismissed") dismissed += f.count;
  }

  return {
    range: { from: from.toISOString(), to: to.toISOString() },
    repositories,
    totals,
    perDay,
    perRepository: [...perRepository.values()].sort(
      (a, b) => b.costUsd - a.costUsd || a.fullName.localeCompare(b.fullName),
    ),
    findingsBySeverity: SEVERITIES.map((severity: Severity) => ({
      severity,
      count: bySeverity.get(severity) ?? 0,
    })),
    findings: {
      total,
      addressed,
      dismissed,
      addressedShare: total === 0 ? null : addressed / total,
      dismissedShare: total === 0 ? null : dismissed / total,
    },
    timeToReview: {
      measure: TIME_TO_REVIEW_MEASURE,
      count: times?.count ?? 0,
      medianMs: times?.median ?? null,
      p95Ms: times?.p95 ?? null,
      histogram: histogramOf(times?.bins ?? []),
    },
    queue,
  };
}

function emptyDays(from: Date, days: number): DayFigures[] {
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  // A range not starting at midnight touches one more UTC day at its end.
  const count = from.getTime() === start ? days : days + 1;
  return Array.from({ length: count }, (_, i) => ({
    day: new Date(start + i * DAY_MS).toISOString().slice(0, 10),
    reviews: 0,
    posted: 0,
    failed: 0,
    tokens: 0,
    costUsd: 0,
  }));
}

function histogramOf(counts: number[]): HistogramBin[] {
  const lows = [0, ...TIME_TO_REVIEW_BOUNDS];
  return lows.map((fromMs, i) => ({
    fromMs,
    toMs: TIME_TO_REVIEW_BOUNDS[i] ?? null,
    count: counts[i] ?? 0,
  }));
}

async function readRepositories(db: Database, scope: DashboardScope) {
  const rows = await db
    .selectFrom("repositories")
    .select(["id", "installation_id", "full_name"])
    .where("installation_id", "in", scope.installationIds)
    .where("id", "in", scope.repositoryIds)
    .orderBy("full_name")
    .execute();
  return rows.map((r) => ({ id: r.id, installationId: r.installation_id, fullName: r.full_name }));
}

function reviewsInScope(db: Database, scope: DashboardScope, range: DateRange) {
  return db
    .selectFrom("reviews")
    .where("reviews.installation_id", "in", scope.installationIds)
    .where("reviews.repository_id", "in", scope.repositoryIds)
    .where("reviews.created_at", ">=", range.from)
    .where("reviews.created_at", "<", range.to);
}

async function readDayRepositoryGroups(db: Database, scope: DashboardScope, range: DateRange) {
  const day = sql<string>`to_char(reviews.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  return reviewsInScope(db, scope, range)
    .select([
      day.as("day"),
      "reviews.repository_id",
      sql<number>`count(*)::int`.as("reviews"),
      sql<number>`(count(*) FILTER (WHERE status = 'posted'))::int`.as("posted"),
      sql<number>`(count(*) FILTER (WHERE status = 'failed'))::int`.as("failed"),
      sql<number>`coalesce(sum(input_tokens::bigint + output_tokens + cache_read_tokens + cache_write_tokens), 0)::float8`.as(
        "tokens",
      ),
      sql<number>`coalesce(sum(cost_usd), 0)::float8`.as("cost_usd"),
    ])
    .groupBy([day, "reviews.repository_id"])
    .execute();
}

async function readTimeToReview(db: Database, scope: DashboardScope, range: DateRange) {
  const bins = TIME_TO_REVIEW_BOUNDS.map((bound, i) => {
    const low = i === 0 ? 0 : TIME_TO_REVIEW_BOUNDS[i - 1]!;
    return sql<number>`(count(*) FILTER (WHERE duration_ms >= ${low} AND duration_ms < ${bound}))::int`;
  });
  const last = TIME_TO_REVIEW_BOUNDS.at(-1)!;
  const row = await reviewsInScope(db, scope, range)
    .where("status", "=", "posted")
    .where("duration_ms", "is not", null)
    .select([
      sql<number>`count(*)::int`.as("count"),
      sql<number | null>`percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms)`.as("median"),
      sql<number | null>`percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms)`.as("p95"),
      sql<
        number[]
      >`ARRAY[${sql.join([...bins, sql`(count(*) FILTER (WHERE duration_ms >= ${last}))::int`])}]`.as(
        "bins",
      ),
    ])
    .executeTakeFirstOrThrow();
  return row;
}

async function readFindingCounts(db: Database, scope: DashboardScope, range: DateRange) {
  return reviewsInScope(db, scope, range)
    .innerJoin("findings", "findings.review_id", "reviews.id")
    .select(["findings.severity", "findings.status", sql<number>`count(*)::int`.as("count")])
    .groupBy(["findings.severity", "findings.status"])
    .execute();
}

async function readQueue(db: Database, queueSchema: string) {
  const counts = await countQueueJobs(db, queueSchema);
  return Object.entries(counts).map(([name, c]) => ({ name, ...c }));
}
