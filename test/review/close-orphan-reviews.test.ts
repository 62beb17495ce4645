import { describe, expect, it } from "vitest";
import type { Octokit } from "../../src/github/github-types.ts";
import { closeOrphanReviews, ORPHAN_AFTER_MS } from "../../src/review/close-orphan-reviews.ts";
import {
  HEAD_SHA,
  INSTALLATION_ID,
  PULL_NUMBER,
  REPOSITORY_ID,
  reviewJobFor,
} from "../helpers/fixtures.ts";
import { silentLogger } from "../helpers/silent-logger.ts";
import { backends } from "../helpers/test-database.ts";
import { useHarness } from "../helpers/use-harness.ts";

describe.each(backends)(
  "closing reviews whose worker died on their last attempt (%s)",
  (backend) => {
    const { harness, github } = useHarness(backend, { queue: { background: false } });
    const NOW = new Date();
    const job = reviewJobFor;

    /** A review job in `state`, with a running review row that started `ageMs` ago and its open check run. */
    async function runningReview(
      pullNumber: number,
      state: "failed" | "active" | "gone",
      ageMs: number,
    ) {
      const boss = harness().boss;
      let jobId: string = `00000000-0000-4000-8000-${String(pullNumber).padStart(12, "0")}`;
      if (state !== "gone") {
        jobId = (await boss.send("review-pull-request", job(pullNumber), {
          singletonKey: `k${pullNumber}`,
          retryLimit: 0,
        }))!;
        const [fetched] = await boss.fetch("review-pull-request", { batchSize: 1 });
        expect(fetched!.id).toBe(jobId);
        if (state === "failed") await boss.fail("review-pull-request", jobId, { died: true });
      }
      const checkRunId = 9000 + pullNumber;
      github().checkRuns.set(checkRunId, {
        id: checkRunId,
        name: "Revue",
        head_sha: HEAD_SHA,
        status: "in_progress",
      });
      return harness()
        .db.db.insertInto("reviews")
        .values({
          installation_id: INSTALLATION_ID,
          repository_id: REPOSITORY_ID,
          pull_number: pullNumber,
          base_sha: "b".repeat(40),
          head_sha: HEAD_SHA,
          from_sha: "b".repeat(40),
          trigger: "opened",
          mode: "full",
          status: "running",
          job_id: jobId,
          check_run_id: checkRunId,
          started_at: new Date(NOW.getTime() - ageMs),
        })
        .returning(["id", "check_run_id"])
        .executeTakeFirstOrThrow();
    }

    it("closes the check run and the row of a review whose job is over, and nothing else", async () => {
      const old = ORPHAN_AFTER_MS + 60_000;
      const orphan = await runningReview(PULL_NUMBER, "failed", old);
      const alive = await runningReview(PULL_NUMBER + 1, "active", old);
      const young = await runningReview(PULL_NUMBER + 2, "failed", 30_000);
      const unknown = await runningReview(PULL_NUMBER + 3, "gone", old);
      const sweep = () =>
        closeOrphanReviews({
          db: harness().db.db,
          boss: harness().boss,
          auth: async (id) => (await harness().probot.auth(id)) as Octokit,
          slug: async () => "revue",
          log: silentLogger(),
          now: () => NOW,
        });

      expect(await sweep()).toBe(1);

      expect(github().checkRuns.get(Number(orphan.check_run_id))).toMatchObject({
        status: "completed",
        conclusion: "failure",
        output: { title: "Not reviewed: Revue stopped before finishing" },
      });
      expect(
        (github().checkRuns.get(Number(orphan.check_run_id))!.output as { summary: string })
          .summary,
      ).toContain("`@revue re-review`");
      for (const other of [alive, young, unknown]) {
        expect(github().checkRuns.get(Number(other.check_run_id))).toMatchObject({
          status: "in_progress",
        });
      }
      const rows = await harness()
        .db.db.selectFrom("reviews")
        .select(["id", "status"])
        .orderBy("id")
        .execute();
      expect(rows).toEqual([
        { id: orphan.id, status: "failed" },
        { id: alive.id, status: "running" },
        { id: young.id, status: "running" },
        { id: unknown.id, status: "running" },
      ]);
      // Done once: the next sweep finds nothing to close.
      expect(await sweep()).toBe(0);
      expect(github().calls("PATCH", /check-runs/)).toHaveLength(1);
    });
  },
);
