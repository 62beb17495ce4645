import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  answerFullReviewRequest,
  readFullReviewRequest,
  requestFullReview,
} from "../../src/review/full-review-requests.ts";
import { backends, createTestDatabase } from "../helpers/test-database.ts";
import { waitFor } from "../helpers/wait-for.ts";

const PULL = { repositoryId: 186853002, pullNumber: 2 };
const ASKED = { ...PULL, installationId: 1 };

describe.each(backends)("full review requests on %s", (backend) => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeEach(async () => {
    handle = await createTestDatabase(backend);
  });

  afterEach(async () => {
    await handle.close();
  });

  it("owes a full review from the first request until a review answers what it saw", async () => {
    const { db } = handle;
    expect(await readFullReviewRequest(db, PULL)).toBeNull();
    await requestFullReview(db, ASKED);
    await requestFullReview(db, ASKED);
    expect(await readFullReviewRequest(db, PULL)).toBe(2);
    // Another pull request of the repository owes nothing.
    expect(await readFullReviewRequest(db, { ...PULL, pullNumber: 3 })).toBeNull();

    await answerFullReviewRequest(db, PULL, 2);
    expect(await readFullReviewRequest(db, PULL)).toBeNull();
    // Answering again, or with an older count, changes nothing.
    await answerFullReviewRequest(db, PULL, 1);
    expect(await readFullReviewRequest(db, PULL)).toBeNull();

    // A request after the review read the count stays owed.
    await requestFullReview(db, ASKED);
    expect(await readFullReviewRequest(db, PULL)).toBe(3);
  });

  it("keeps the pull request's summary comment and reviewed head when counting", async () => {
    const { db } = handle;
    await db
      .insertInto("pull_requests")
      .values({
        repository_id: PULL.repositoryId,
        number: PULL.pullNumber,
        installation_id: 1,
        summary_comment_id: 77,
        last_reviewed_head_sha: "a".repeat(40),
      })
      .execute();
    await requestFullReview(db, ASKED);
    expect(
      await db.selectFrom("pull_requests").selectAll().executeTakeFirstOrThrow(),
    ).toMatchObject({
      summary_comment_id: 77,
      last_reviewed_head_sha: "a".repeat(40),
      full_reviews_requested: 1,
      full_reviews_answered: 0,
    });
  });

  // PGlite has one connection: a second one cannot wait on the first.
  it.runIf(backend === "postgres")(
    "makes a worker's read wait for a command still committing, instead of missing it",
    async () => {
      const { db } = handle;
      await requestFullReview(db, ASKED);
      await answerFullReviewRequest(db, PULL, 1);

      let commit = () => {};
      const committing = new Promise<void>((resolve) => (commit = resolve));
      let counted = () => {};
      const countedInTransaction = new Promise<void>((resolve) => (counted = resolve));
      const command = db.transaction().execute(async (trx) => {
        await requestFullReview(trx, ASKED);
        counted();
        await committing;
      });
      await countedInTransaction;

      const reading = readFullReviewRequest(db, PULL);
      const waitingOnLock = waitFor(
        async () => {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity
            where wait_event_type = 'Lock' and query like '%full_reviews_requested%'`.execute(db);
          return rows[0]!.n > 0;
        },
        () => "the read did not wait for the command's lock",
        10_000,
      );
      try {
        const first = await Promise.race([
          reading.then((owed) => ({ readBeforeCommit: owed })),
          waitingOnLock.then(() => "waiting"),
        ]);
        expect(first).toBe("waiting");
      } finally {
        commit();
        await command;
      }
      expect(await reading).toBe(2);
    },
  );
});
