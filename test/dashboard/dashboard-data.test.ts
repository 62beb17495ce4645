import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deleteMemory } from "../../src/dashboard/data/delete-memory.ts";
import { readOverview } from "../../src/dashboard/data/read-overview.ts";
import { readRepository } from "../../src/dashboard/data/read-repository.ts";
import { readReview } from "../../src/dashboard/data/read-review.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import { HOSTILE_NAME, report, SCOPE, seedDashboard } from "./dashboard-seed.ts";

type Handle = Awaited<ReturnType<typeof createTestDatabase>>;

const RANGE = { from: new Date("2026-11-01T00:00:00Z"), to: new Date("2026-11-04T00:00:00Z") };

describe.each(backends)("dashboard data on %s", (backend) => {
  let handle: Handle;
  let ids: Record<string, number>;
  beforeEach(async () => {
    handle = await createTestDatabase(backend);
    ids = await seedDashboard(handle.db);
  });
  afterEach(async () => {
    await handle.close();
  });

  describe("readOverview", () => {
    it("sums reviews, tokens and cost per UTC day and per repository, only in scope and range", async () => {
      const overview = await readOverview(handle.db, SCOPE, RANGE);
      expect(overview.perDay).toEqual([
        { day: "2026-11-01", reviews: 2, posted: 2, failed: 0, tokens: 350, costUsd: 1.75 },
        { day: "2026-11-02", reviews: 1, posted: 1, failed: 0, tokens: 1500, costUsd: 2 },
        { day: "2026-11-03", reviews: 2, posted: 1, failed: 1, tokens: 10, costUsd: 1.25 },
      ]);
      expect(overview.perRepository).toEqual([
        {
          id: 10,
          installationId: 1,
          fullName: HOSTILE_NAME,
          reviews: 3,
          failed: 0,
          tokens: 360,
          costUsd: 2.75,
        },
        {
          id: 11,
          installationId: 1,
          fullName: "acme/web",
          reviews: 2,
          failed: 1,
          tokens: 1500,
          costUsd: 2.25,
        },
      ]);
      expect(overview.totals).toEqual({
        reviews: 5,
        posted: 4,
        failed: 1,
        tokens: 1860,
        costUsd: 5,
      });
      // The repository list excludes the other installation's and the one not granted.
      expect(overview.repositories.map((r) => r.id).sort()).toEqual([10, 11]);
    });

    it("gives the median and p95 time to review (continuous percentiles) and its histogram", async () => {
      const { timeToReview } = await readOverview(handle.db, SCOPE, RANGE);
      // Posted durations 10 s, 20 s, 40 s, 400 s (bins <30 s: 2, 30-60 s: 1, 5-10 min: 1): median (20+40)/2 = 30 s; p95 at rank
      // 0.95 x 3 = 2.85, so 40 s + 0.85 x (400 s - 40 s) = 346 s. The failed review has none.
      expect(timeToReview.count).toBe(4);
      expect(timeToReview.medianMs).toBe(30_000);
      expect(timeToReview.p95Ms).toBeCloseTo(346_000, 6);
      expect(timeToReview.histogram.map((b) => b.count)).toEqual([2, 1, 0, 0, 1, 0, 0]);
      expect(timeToReview.histogram[0]).toEqual({ fromMs: 0, toMs: 30_000, count: 2 });
      expect(timeToReview.histogram.at(-1)).toEqual({ fromMs: 1_800_000, toMs: null, count: 0 });
    });

    it("counts findings by severity and the shares addressed and dismissed", async () => {
      const overview = await readOverview(handle.db, SCOPE, RANGE);
      expect(overview.findingsBySeverity).toEqual([
        { severity: "critical", count: 1 },
        { severity: "major", count: 2 },
        { severity: "minor", count: 1 },
        { severity: "nit", count: 1 },
      ]);
      expect(overview.findings).toEqual({
        total: 5,
        addressed: 2,
        dismissed: 2,
        addressedShare: 0.4,
        dismissedShare: 0.4,
      });
    });

    it("reads part-days at the ends of a range from the reviews and whole days from the rollup", async () => {
      // From just after r1 (10:00) to between r4 (12:00, failed) and r5 (13:00).
      const overview = await readOverview(handle.db, SCOPE, {
        from: new Date("2026-11-01T10:00:01Z"),
        to: new Date("2026-11-03T12:30:00Z"),
      });
      expect(overview.perDay.slice(0, 3)).toEqual([
        { day: "2026-11-01", reviews: 1, posted: 1, failed: 0, tokens: 200, costUsd: 1.25 },
        { day: "2026-11-02", reviews: 1, posted: 1, failed: 0, tokens: 1500, costUsd: 2 },
        { day: "2026-11-03", reviews: 1, posted: 0, failed: 1, tokens: 0, costUsd: 0.25 },
      ]);
      expect(overview.findingsBySeverity.map((s) => s.count)).toEqual([0, 1, 1, 1]);
      expect(overview.findings).toMatchObject({ total: 3, addressed: 1, dismissed: 2 });
    });

    it("takes percentiles from the rollup's buckets beyond 31 days, still only in scope", async () => {
      const overview = await readOverview(handle.db, SCOPE, {
        from: new Date("2026-10-01T00:00:00Z"),
        to: new Date("2026-12-01T00:00:00Z"),
      });
      // r8 (31 October, 1 ms, $50) joins r1 to r5; r6 and r7 stay out of scope.
      expect(overview.totals).toEqual({
        reviews: 6,
        posted: 5,
        failed: 1,
        tokens: 1860,
        costUsd: 55,
      });
      expect(overview.findings).toMatchObject({ total: 6, addressed: 3, dismissed: 2 });
      const t = overview.timeToReview;
      expect(t.approximate).toBe(true);
      expect(t.count).toBe(5);
      // Buckets [0, 1 s), [10, 12 s), [20, 25 s), [40, 45 s), [360, 420 s) hold one each: rank
      // 0.5 x 5 = 2.5 is halfway into [20, 25 s); rank 4.75 is 3/4 into [360, 420 s).
      expect(t.medianMs).toBe(22_500);
      expect(t.p95Ms).toBe(405_000);
      expect(t.histogram.map((b) => b.count)).toEqual([3, 1, 0, 0, 1, 0, 0]);
      const month = await readOverview(handle.db, SCOPE, RANGE);
      expect(month.timeToReview.approximate).toBe(false);
    });

    it("is empty, with zero-filled days, for a scope that grants nothing", async () => {
      const overview = await readOverview(
        handle.db,
        { installationIds: [2], repositoryIds: [10] },
        RANGE,
      );
      expect(overview.totals.reviews).toBe(0);
      expect(overview.perDay).toHaveLength(3);
      expect(overview.findings.addressedShare).toBeNull();
      expect(overview.timeToReview.medianMs).toBeNull();
      const none = await readOverview(handle.db, { installationIds: [], repositoryIds: [] }, RANGE);
      expect(none.repositories).toEqual([]);
    });

    it("counts the queues from pg-boss's job table when given its schema", async () => {
      const { sql } = await import("kysely");
      const schema = handle.queueSchema;
      await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(handle.db);
      await sql`CREATE TABLE ${sql.table(`${schema}.job`)} (name text, state text)`.execute(
        handle.db,
      );
      await sql`INSERT INTO ${sql.table(`${schema}.job`)} VALUES
        ('review-pull-request', 'created'), ('review-pull-request', 'retry'),
        ('review-pull-request', 'active'), ('review-pull-request', 'completed'),
        ('review-pull-request-dead', 'created')`.execute(handle.db);
      const overview = await readOverview(handle.db, SCOPE, { ...RANGE, queueSchema: schema });
      expect(overview.queue?.find((q) => q.name === "review-pull-request")).toEqual({
        name: "review-pull-request",
        queued: 2,
        active: 1,
        deadLettered: 1,
      });
      expect((await readOverview(handle.db, SCOPE, RANGE)).queue).toBeNull();
    });

    it("refuses a range that is empty or longer than 400 days", async () => {
      await expect(
        readOverview(handle.db, SCOPE, { from: RANGE.to, to: RANGE.from }),
      ).rejects.toThrow(/range: from .* must be before to/);
    });
  });

  describe("readReview", () => {
    it("returns the review with its findings as posted, usage, timings and the pull request's link", async () => {
      const detail = await readReview(handle.db, SCOPE, ids.r1!);
      expect(detail?.review.pullRequestUrl).toBe(`https://github.com/${HOSTILE_NAME}/pull/7`);
      expect(detail?.usage).toMatchObject({ inputTokens: 100, outputTokens: 50, costUsd: 0.5 });
      expect(detail?.timings).toMatchObject({
        durationMs: 10_000,
        finishedAt: "2026-11-01T10:00:10.000Z",
      });
      expect(detail?.findings.map((f) => [f.severity, f.postedAs, f.line, f.commentUrl])).toEqual([
        ["critical", "inline", 12, `https://github.com/${HOSTILE_NAME}/pull/7#discussion_r555`],
        ["major", "summary", 13, null],
      ]);
      expect(detail?.report).toBeNull();
      expect(JSON.parse(JSON.stringify(detail))).toEqual(detail);
    });

    it("is null for another installation's review and for a repository not granted", async () => {
      expect(await readReview(handle.db, SCOPE, ids.r6!)).toBeNull();
      expect(await readReview(handle.db, SCOPE, ids.r7!)).toBeNull();
      expect(await readReview(handle.db, SCOPE, 987_654)).toBeNull();
      // Its repository id granted, but under another installation than the one granted.
      const crossed = { installationIds: [2], repositoryIds: [10, 20] };
      expect(await readReview(handle.db, crossed, ids.r1!)).toBeNull();
      expect(await readReview(handle.db, crossed, ids.r6!)).not.toBeNull();
    });
  });

  describe("readRepository", () => {
    it("shows the index, the newest config and its problems, memories, and suppressed findings with why", async () => {
      await handle.db
        .updateTable("reviews")
        .set({ report: JSON.stringify(report({ configProblems: ["old problem"] })) })
        .where("id", "=", ids.r1!)
        .execute();
      await handle.db
        .updateTable("reviews")
        .set({
          report: JSON.stringify(
            report({
              configProblems: ["max_inline_comments: expected a number"],
              suppressed: [
                {
                  title: "Avoid any",
                  path: "a.ts",
                  severity: "minor",
                  category: "style",
                  similarity: 0.91,
                  likeFindingId: 4,
                },
              ],
            }),
          ),
        })
        .where("id", "=", ids.r5!)
        .execute();
      const mine = await handle.db
        .insertInto("memories")
        .values({
          installation_id: 1,
          repository_id: 10,
          kind: "convention",
          source: "command",
          statement: "Use execFile.",
          taught_by: "octocat",
          use_count: 3,
          last_used_at: "2026-11-02T00:00:00Z",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await handle.db
        .insertInto("memories")
        .values([
          {
            installation_id: 1,
            repository_id: null,
            kind: "fact",
            source: "command",
            statement: "Whole installation.",
            taught_by: "admin",
          },
          {
            installation_id: 1,
            repository_id: 11,
            kind: "fact",
            source: "command",
            statement: "Other repository.",
            taught_by: "x",
          },
          {
            installation_id: 2,
            repository_id: 20,
            kind: "fact",
            source: "command",
            statement: "Other installation.",
            taught_by: "y",
          },
        ])
        .execute();

      const detail = await readRepository(handle.db, SCOPE, 10);
      expect(detail?.repository.fullName).toBe(HOSTILE_NAME);
      expect(detail?.index).toEqual({
        commitSha: "c".repeat(40),
        files: 120,
        chunks: 900,
        skipped: [
          { reason: "over the size cap", files: 7 },
          { reason: "binary", files: 3 },
        ],
        embeddingModel: "local-hash-384",
        indexedAt: "2026-11-03T14:00:00.000Z",
      });
      expect(detail?.config).toMatchObject({
        reviewId: ids.r5,
        problems: ["max_inline_comments: expected a number"],
      });
      expect(detail?.memories.map((m) => [m.statement, m.appliesTo, m.deletable, m.uses])).toEqual([
        ["Whole installation.", "installation", false, 0],
        ["Use execFile.", "repository", true, 3],
      ]);
      expect(detail?.memories[1]).toMatchObject({
        id: mine.id,
        taughtBy: "octocat",
        lastUsedAt: "2026-11-02T00:00:00.000Z",
      });
      expect(detail?.suppressed).toEqual([
        expect.objectContaining({
          reviewId: ids.r5,
          title: "Avoid any",
          similarity: 0.91,
          likeFindingId: 4,
        }),
      ]);
      expect(detail?.recentReviews.map((r) => r.id)).toEqual([ids.r5, ids.r2, ids.r1, ids.r8]);
    });

    it("is null for another installation's repository and one not granted", async () => {
      expect(await readRepository(handle.db, SCOPE, 20)).toBeNull();
      expect(await readRepository(handle.db, SCOPE, 12)).toBeNull();
      // Granted by id, but under another installation than the one granted.
      expect(
        await readRepository(handle.db, { installationIds: [2], repositoryIds: [10] }, 10),
      ).toBeNull();
    });
  });

  describe("deleteMemory", () => {
    it("deletes a memory of a repository in scope, and nothing outside it", async () => {
      const insert = (installation_id: number, repository_id: number | null) =>
        handle.db
          .insertInto("memories")
          .values({
            installation_id,
            repository_id,
            kind: "fact",
            source: "command",
            statement: "s",
            taught_by: "t",
          })
          .returning("id")
          .executeTakeFirstOrThrow()
          .then((r) => r.id);
      const mine = await insert(1, 10);
      const installationWide = await insert(1, null);
      const notGranted = await insert(1, 12);
      const foreign = await insert(2, 20);
      expect(await deleteMemory(handle.db, SCOPE, foreign)).toBe(false);
      expect(await deleteMemory(handle.db, SCOPE, notGranted)).toBe(false);
      expect(await deleteMemory(handle.db, SCOPE, installationWide)).toBe(false);
      expect(await deleteMemory(handle.db, SCOPE, mine)).toBe(true);
      expect(await deleteMemory(handle.db, SCOPE, mine)).toBe(false);
      const left = await handle.db.selectFrom("memories").select("id").orderBy("id").execute();
      expect(left.map((m) => m.id)).toEqual([installationWide, notGranted, foreign]);
    });
  });
});
