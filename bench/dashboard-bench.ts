/**
 * Dashboard benchmark (issue 16). Run: `TEST_DATABASE_URL=postgres://... node bench/dashboard-bench.ts`
 * (or BENCH_DATABASE_URL). Seeds, in a schema of its own on that PostgreSQL server, a year of
 * 100,000 reviews (BENCH_REVIEWS) over 25 repositories of two installations with 3 findings each,
 * a report on every review (one in ten with a suppressed finding), 200 memories and a code index
 * per repository, all by generate_series; then times each data function and each page renderer,
 * as the signed-in user of installation 1 (20 repositories, 80% of the reviews): the median of
 * BENCH_RUNS runs (15) after two warm-up runs. BENCH_PGLITE=1 measures embedded PGlite instead.
 * The target is under 200 ms per page (data + render). Drops its schema at the end.
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { readOverview } from "../src/dashboard/data/read-overview.ts";
import { readRepository } from "../src/dashboard/data/read-repository.ts";
import { readReview } from "../src/dashboard/data/read-review.ts";
import { renderOverviewPage } from "../src/dashboard/pages/render-overview-page.ts";
import { renderRepositoryPage } from "../src/dashboard/pages/render-repository-page.ts";
import { renderReviewPage } from "../src/dashboard/pages/render-review-page.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import {
  createPglite,
  openDatabase,
  openPglite,
  type DatabaseHandle,
} from "../src/db/open-database.ts";
import { DEFAULT_REPO_CONFIG } from "../src/repo-config/repo-config.ts";
import { percentile, serverUrl } from "./lib.ts";

const REVIEWS = Number(process.env.BENCH_REVIEWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const SCOPE = {
  installationIds: [1],
  repositoryIds: Array.from({ length: 20 }, (_, i) => i + 1),
};
const CTX = { csrfToken: "t".repeat(43), basePath: "/dashboard", userLogin: "octocat" };
const NOW = new Date("2026-12-01T00:00:00Z");
const YEAR = { from: new Date(NOW.getTime() - 365 * 86_400_000), to: NOW };
const LAST_30_DAYS = { from: new Date(NOW.getTime() - 30 * 86_400_000), to: NOW };

async function open(): Promise<{ handle: DatabaseHandle; schema: string; where: string }> {
  const url = serverUrl();
  if (process.env.BENCH_PGLITE === "1" || !url) {
    if (!url && process.env.BENCH_PGLITE !== "1") {
      console.log("No BENCH_DATABASE_URL or TEST_DATABASE_URL: measuring embedded PGlite.");
    }
    const handle = await openPglite(await createPglite(undefined));
    return { handle, schema: "public", where: "PGlite (in memory)" };
  }
  const schema = `bench_dashboard_${randomBytes(4).toString("hex")}`;
  const handle = await openDatabase(
    { kind: "postgres", url, poolMax: 5, connectTimeoutMs: 5000 },
    { schema },
  );
  return { handle, schema, where: `PostgreSQL (${new URL(url).host}), schema ${schema}` };
}

async function seed(handle: DatabaseHandle): Promise<void> {
  const { db } = handle;
  await sql`INSERT INTO installations (id, account_login, account_type)
    VALUES (1, 'acme', 'Organization'), (2, 'other', 'Organization')`.execute(db);
  await sql`INSERT INTO repositories (id, installation_id, full_name, default_branch, private)
    SELECT r, CASE WHEN r <= 20 THEN 1 ELSE 2 END, 'acme/repo-' || r, 'main', true
      FROM generate_series(1, 25) r`.execute(db);
  const report = JSON.stringify({
    version: 1,
    config: DEFAULT_REPO_CONFIG,
    configProblems: ["max_inline_comments: expected a number"],
    contextFiles: ["src/a.ts", "src/b.ts"],
    memoryIds: [1, 2],
    skippedFiles: [{ path: "package-lock.json", reason: "lockfile" }],
    suppressed: [],
    listedInSummary: [],
    folded: [],
    carriedForward: 0,
    modelCalls: 1,
  });
  const suppressed = JSON.stringify([
    {
      title: "Avoid any",
      path: "src/a.ts",
      severity: "minor",
      category: "style",
      similarity: 0.9,
      likeFindingId: 1,
    },
  ]);
  // A year of reviews, oldest first, spread over the 25 repositories.
  await sql`INSERT INTO reviews (installation_id, repository_id, pull_number, base_sha, head_sha,
      from_sha, trigger, mode, status, model, model_calls, input_tokens, output_tokens,
      cache_read_tokens, cost_usd, created_at, started_at, finished_at, duration_ms, report)
    SELECT CASE WHEN g % 25 < 20 THEN 1 ELSE 2 END, g % 25 + 1, g % 500 + 1, 'base', 'head', 'base',
      'synchronize', 'full', CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'posted' END,
      'claude', 1, 8000 + g % 4000, 900 + g % 300, g % 2000, 0.02 + (g % 100) / 1000.0,
      t, t, t + make_interval(secs => d / 1000.0), CASE WHEN g % 50 = 0 THEN NULL ELSE d END,
      CASE WHEN g % 10 = 0
        THEN jsonb_set(${report}::jsonb, '{suppressed}', ${suppressed}::jsonb)
        ELSE ${report}::jsonb END
      FROM generate_series(1, ${REVIEWS}) g,
        LATERAL (SELECT ${NOW.toISOString()}::timestamptz
                   - make_interval(secs => (${REVIEWS} - g) * 365 * 86400.0 / ${REVIEWS}) AS t,
                        15000 + (g * 7919) % 300000 AS d) x`.execute(db);
  await sql`INSERT INTO findings (review_id, installation_id, repository_id, pull_number, fingerprint,
      path, side, line, severity, category, title, body, quoted_code, status, head_sha,
      github_comment_id, created_at)
    SELECT r.id, r.installation_id, r.repository_id, r.pull_number, md5(r.id || '-' || k),
      'src/file-' || (r.id % 40) || '.ts', 'RIGHT', 10 + k,
      (ARRAY['critical', 'major', 'minor', 'nit'])[1 + (r.id + k) % 4], 'bug',
      'Finding ' || k || ' of review ' || r.id, 'Why it matters.', 'code()',
      (ARRAY['open', 'addressed', 'dismissed', 'summary'])[1 + (r.id * 7 + k) % 4], 'head',
      CASE WHEN k < 3 THEN r.id * 10 + k END, r.created_at
      FROM reviews r, generate_series(1, 3) k`.execute(db);
  await sql`INSERT INTO memories (installation_id, repository_id, kind, source, statement,
      taught_by, use_count, last_used_at)
    SELECT 1, CASE WHEN m % 10 = 0 THEN NULL ELSE 1 END, 'convention', 'command',
      'Memory number ' || m, 'octocat', m % 17, now()
      FROM generate_series(1, 200) m`.execute(db);
  await sql`INSERT INTO code_indexes (repository_id, installation_id, commit_sha, embedding_model,
      dimensions, files, chunks, skipped)
    SELECT r, CASE WHEN r <= 20 THEN 1 ELSE 2 END, md5(r::text), 'local', 384, 1200, 9000,
      '{"binary": 3, "over the size cap": 2}'::jsonb
      FROM generate_series(1, 25) r`.execute(db);
  // As autovacuum would after a bulk load: index-only scans need the visibility map.
  await sql`VACUUM ANALYZE`.execute(db);
}

async function time<T>(
  run: () => Promise<T> | T,
): Promise<{ median: number; p95: number; value: T }> {
  let value = await run();
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    value = await run();
    times.push(performance.now() - started);
  }
  return { median: percentile(times, 50), p95: percentile(times, 95), value };
}

async function main(): Promise<void> {
  const { handle, schema, where } = await open();
  try {
    const migrated = await migrateToLatest(handle.db, schema);
    if (migrated.error) throw migrated.error;
    const seeding = performance.now();
    await seed(handle);
    const counts = await sql<{ reviews: number; findings: number }>`
      SELECT (SELECT count(*) FROM reviews)::int AS reviews,
             (SELECT count(*) FROM findings)::int AS findings`.execute(handle.db);
    console.log(
      `${where}: seeded ${counts.rows[0]!.reviews} reviews and ${counts.rows[0]!.findings} findings in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );
    console.log(
      `median of ${RUNS} runs (p95 in brackets), as a user of installation 1 (20 of 25 repositories):`,
    );
    const reviewId = Number(
      (
        await sql<{
          id: number;
        }>`SELECT max(id) AS id FROM reviews WHERE installation_id = 1`.execute(handle.db)
      ).rows[0]!.id,
    );
    const rows: [string, { median: number; p95: number }][] = [];
    const overview = await time(() => readOverview(handle.db, SCOPE, YEAR));
    const overviewHtml = await time(() => renderOverviewPage(overview.value, CTX));
    const month = await time(() => readOverview(handle.db, SCOPE, LAST_30_DAYS));
    const repository = await time(() => readRepository(handle.db, SCOPE, 1));
    const repositoryHtml = await time(() => renderRepositoryPage(repository.value!, CTX));
    const review = await time(() => readReview(handle.db, SCOPE, reviewId));
    const reviewHtml = await time(() => renderReviewPage(review.value!, CTX));
    rows.push(
      ["readOverview (365 days)", overview],
      ["renderOverviewPage", overviewHtml],
      ["readOverview (30 days)", month],
      ["readRepository", repository],
      ["renderRepositoryPage", repositoryHtml],
      ["readReview", review],
      ["renderReviewPage", reviewHtml],
    );
    for (const [name, t] of rows) {
      console.log(
        `  ${name.padEnd(26)} ${t.median.toFixed(1).padStart(8)} ms  (${t.p95.toFixed(1)} ms)`,
      );
    }
    console.log("page totals (data + render, medians):");
    console.log(`  overview   ${(overview.median + overviewHtml.median).toFixed(1)} ms`);
    console.log(`  repository ${(repository.median + repositoryHtml.median).toFixed(1)} ms`);
    console.log(`  review     ${(review.median + reviewHtml.median).toFixed(1)} ms`);
    console.log(
      `overview: ${overview.value.totals.reviews} reviews, ${overview.value.findings.total} findings in range`,
    );
  } finally {
    if (schema !== "public" && process.env.BENCH_KEEP !== "1") {
      await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(handle.db);
    }
    await handle.close();
  }
}

await main();
