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
import { bucketPercentile, REVIEW_DURATION_BOUNDS_MS } from "./rollup-buckets.ts";

/** Bounds of the time-to-review histogram, in milliseconds: under 30 s, 30 s to 1 min, ..., 30 min and over. */
export const TIME_TO_REVIEW_BOUNDS = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];

export const TIME_TO_REVIEW_MEASURE =
  "reviews.duration_ms: from the review job starting (the push's webhook is handled in milliseconds, then the job waits in the queue) to the review posted and recorded; posted reviews only";

const DAY_MS = 86_400_000;
const MAX_DAYS = 400;
/** Up to this many days, percentiles are exact (read from the reviews); beyond, from the rollup's buckets. */
export const EXACT_PERCENTILE_DAYS = 31;

type DayRepositoryGroup = {
  day: string;
  repository_id: number;
  reviews: number;
  posted: number;
  failed: number;
  tokens: number;
  cost_usd: number;
};
type FindingSums = {
  critical: number;
  major: number;
  minor: number;
  nit: number;
  addressed: number;
  dismissed: number;
};
type TimeToReview = { count: number; median: number | null; p95: number | null; bins: number[] };

/**
 * The overview of the reviews in `scope` created in `[from, to)`: per UTC day and per repository
 * (reviews, tokens, cost), findings by severity and the shares addressed and dismissed, time to
 * review (median, p95, histogram), and, given pg-boss's schema, the queues as they stand now.
 * The whole UTC days of the range are read from `review_daily_rollup` (kept by triggers); the
 * parts of a day at either end of a range not starting or ending at midnight, from the reviews.
 * Percentiles are exact up to 31 days, and beyond interpolated in the rollup's buckets
 * (`timeToReview.approximate`). Throws a RangeError for a range empty or longer than 400 days.
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
  const exact = days <= EXACT_PERCENTILE_DAYS;
  const ids = scopeIds(scope);
  const { whole, edges } = splitRange({ from, to });
  const [repositories, groups, findings, times, queue] = await Promise.all([
    ids ? readRepositories(db, ids) : [],
    ids ? readGroups(db, ids, whole, edges) : [],
    ids ? readFindings(db, ids, whole, edges) : null,
    !ids
      ? null
      : exact
        ? readTimeToReview(db, ids, range)
        : readBucketedTimes(db, ids, whole, edges),
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

  const f = findings ?? { critical: 0, major: 0, minor: 0, nit: 0, addressed: 0, dismissed: 0 };
  const total = f.critical + f.major + f.minor + f.nit;
  return {
    range: { from: from.toISOString(), to: to.toISOString() },
    repositories,
    totals,
    perDay,
    perRepository: [...perRepository.values()].sort(
      (a, b) => b.costUsd - a.costUsd || a.fullName.localeCompare(b.fullName),
    ),
    findingsBySeverity: SEVERITIES.map((severity: Severity) => ({ severity, count: f[severity] })),
    findings: {
      total,
      addressed: f.addressed,
      dismissed: f.dismissed,
      addressedShare: total === 0 ? null : f.addressed / total,
      dismissedShare: total === 0 ? null : f.dismissed / total,
    },
    timeToReview: {
      measure: TIME_TO_REVIEW_MEASURE,
      count: times?.count ?? 0,
      medianMs: times?.median ?? null,
      p95Ms: times?.p95 ?? null,
      approximate: !exact,
      histogram: histogramOf(times?.bins ?? []),
    },
    queue,
  };
}

/**
 * The range's whole UTC days (`whole`, null when it holds none), and the parts of a day before
 * and after them (`edges`), or the whole range as one edge when it holds no whole day.
 */
function splitRange(range: DateRange): { whole: DateRange | null; edges: DateRange[] } {
  const first = Math.ceil(range.from.getTime() / DAY_MS) * DAY_MS;
  const last = Math.floor(range.to.getTime() / DAY_MS) * DAY_MS;
  if (first >= last) return { whole: null, edges: [range] };
  const whole = { from: new Date(first), to: new Date(last) };
  const edges = [
    { from: range.from, to: whole.from },
    { from: whole.to, to: range.to },
  ].filter((e) => e.from < e.to);
  return { whole, edges };
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

function rollupInScope(db: Database, scope: DashboardScope, whole: DateRange) {
  return db
    .selectFrom("review_daily_rollup")
    .where("installation_id", "in", scope.installationIds)
    .where("repository_id", "in", scope.repositoryIds)
    .where("day", ">=", isoDay(whole.from))
    .where("day", "<", isoDay(whole.to));
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

async function readGroups(
  db: Database,
  scope: DashboardScope,
  whole: DateRange | null,
  edges: DateRange[],
): Promise<DayRepositoryGroup[]> {
  const parts = await Promise.all([
    whole ? readRollupGroups(db, scope, whole) : [],
    ...edges.map((edge) => readDayRepositoryGroups(db, scope, edge)),
  ]);
  return parts.flat();
}

async function readRollupGroups(
  db: Database,
  scope: DashboardScope,
  whole: DateRange,
): Promise<DayRepositoryGroup[]> {
  return rollupInScope(db, scope, whole)
    .select([
      sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day"),
      "repository_id",
      sql<number>`sum(reviews)::int`.as("reviews"),
      sql<number>`sum(posted)::int`.as("posted"),
      sql<number>`sum(failed)::int`.as("failed"),
      sql<number>`sum(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens)::float8`.as(
        "tokens",
      ),
      sql<number>`sum(cost_usd)::float8`.as("cost_usd"),
    ])
    .groupBy(["day", "repository_id"])
    .having(sql<number>`sum(reviews)`, ">", 0)
    .execute();
}

async function readDayRepositoryGroups(
  db: Database,
  scope: DashboardScope,
  range: DateRange,
): Promise<DayRepositoryGroup[]> {
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

async function readFindings(
  db: Database,
  scope: DashboardScope,
  whole: DateRange | null,
  edges: DateRange[],
): Promise<FindingSums> {
  const parts = await Promise.all([
    whole
      ? rollupInScope(db, scope, whole)
          .select([
            sql<number>`coalesce(sum(findings_critical), 0)::int`.as("critical"),
            sql<number>`coalesce(sum(findings_major), 0)::int`.as("major"),
            sql<number>`coalesce(sum(findings_minor), 0)::int`.as("minor"),
            sql<number>`coalesce(sum(findings_nit), 0)::int`.as("nit"),
            sql<number>`coalesce(sum(findings_addressed), 0)::int`.as("addressed"),
            sql<number>`coalesce(sum(findings_dismissed), 0)::int`.as("dismissed"),
          ])
          .executeTakeFirstOrThrow()
      : null,
    ...edges.map((edge) =>
      reviewsInScope(db, scope, edge)
        .innerJoin("findings", "findings.review_id", "reviews.id")
        .select([
          sql<number>`(count(*) FILTER (WHERE severity = 'critical'))::int`.as("critical"),
          sql<number>`(count(*) FILTER (WHERE severity = 'major'))::int`.as("major"),
          sql<number>`(count(*) FILTER (WHERE severity = 'minor'))::int`.as("minor"),
          sql<number>`(count(*) FILTER (WHERE severity = 'nit'))::int`.as("nit"),
          sql<number>`(count(*) FILTER (WHERE findings.status = 'addressed'))::int`.as("addressed"),
          sql<number>`(count(*) FILTER (WHERE findings.status = 'dismissed'))::int`.as("dismissed"),
        ])
        .executeTakeFirstOrThrow(),
    ),
  ]);
  const sums: FindingSums = { critical: 0, major: 0, minor: 0, nit: 0, addressed: 0, dismissed: 0 };
  for (const part of parts) {
    if (!part) continue;
    for (const key of Object.keys(sums) as (keyof FindingSums)[]) sums[key] += part[key];
  }
  return sums;
}

/** Exact: continuous percentiles over the posted reviews of the range. */
async function readTimeToReview(
  db: Database,
  scope: DashboardScope,
  range: DateRange,
): Promise<TimeToReview> {
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

/**
 * Approximate: the rollup's bucket counts for the whole days plus the edges' reviews put in the
 * same buckets; percentiles interpolated inside a bucket (off by at most its width).
 */
async function readBucketedTimes(
  db: Database,
  scope: DashboardScope,
  whole: DateRange | null,
  edges: DateRange[],
): Promise<TimeToReview> {
  const counts: number[] = new Array<number>(REVIEW_DURATION_BOUNDS_MS.length + 1).fill(0);
  const parts = await Promise.all([
    whole
      ? rollupInScope(db, scope, whole)
          // One sum per bucket in a single pass (measured faster than unnest ... GROUP BY).
          .select(
            sql<number[]>`ARRAY[${sql.join(
              counts.map((_, i) => sql`coalesce(sum(durations[${sql.lit(i + 1)}]), 0)::int`),
            )}]`.as("counts"),
          )
          .executeTakeFirstOrThrow()
          .then((row) => row.counts.map((count, bucket) => ({ bucket, count })))
      : [],
    ...edges.map((edge) =>
      reviewsInScope(db, scope, edge)
        .where("status", "=", "posted")
        .where("duration_ms", "is not", null)
        .select([
          sql<number>`review_rollup_bucket(duration_ms) - 1`.as("bucket"),
          sql<number>`count(*)::int`.as("count"),
        ])
        .groupBy(sql`review_rollup_bucket(duration_ms)`)
        .execute(),
    ),
  ]);
  for (const { bucket, count } of parts.flat()) counts[bucket]! += count;
  const lows = [0, ...TIME_TO_REVIEW_BOUNDS];
  const bins = lows.map(() => 0);
  counts.forEach((n, i) => {
    const low = i === 0 ? 0 : REVIEW_DURATION_BOUNDS_MS[i - 1]!;
    bins[lows.findLastIndex((l) => l <= low)]! += n;
  });
  return {
    count: counts.reduce((a, b) => a + b, 0),
    median: bucketPercentile(counts, 0.5),
    p95: bucketPercentile(counts, 0.95),
    bins,
  };
}

async function readQueue(db: Database, queueSchema: string) {
  const counts = await countQueueJobs(db, queueSchema);
  return Object.entries(counts).map(([name, c]) => ({ name, ...c }));
}
