import type { SpawnedRevue } from "../../test/helpers/spawn-revue.ts";
import { pullRequestDelivery } from "./deliveries.ts";
import { noneOf, pollUntil, seconds, type Figure } from "./figures.ts";
import { headKey, headSha } from "./github-stand-in.ts";
import { WEBHOOK_SECRET } from "./revue-processes.ts";
import { watchReviews } from "./review-clock.ts";
import { reviewJobsSettled, startFaultRun } from "./start-fault-run.ts";

export type KillOptions = {
  kills: number;
  /**
   * false: before each kill, wait until every earlier review is done, so a kill hits one review
   * once. true: kill again at once, so a review may be killed on several attempts (after four it
   * has used its retries).
   */
  overlap: boolean;
  /** How long the model takes to answer: the window in which a review is mid-call. */
  modelDelayMs: number;
  settleSeconds: number;
};

/**
 * `kills` rounds against one web and one worker process: a new pull request's delivery, then,
 * at a random point of its review (0 to model delay + 2 s after its check run opened), SIGKILL the worker
 * and start a new one. Whatever the killed worker was running must be retried and posted once.
 * Unless `overlap`, a round starts when the reviews of the earlier ones are done.
 */
export async function kill(adminUrl: string, options: KillOptions): Promise<Figure[]> {
  const run = await startFaultRun({
    adminUrl,
    pulls: options.kills,
    modelDelayMs: options.modelDelayMs,
  });
  const clock = watchReviews(run.github);
  try {
    const { processes, github, sender } = run;
    const web = await processes.startWeb();
    let worker: SpawnedRevue = await processes.startWorker();
    const killed = new Set<SpawnedRevue>();
    const sentAt = new Map<string, number>();
    const kills: { at: number; midReview: boolean }[] = [];

    for (let pull = 1; pull <= options.kills; pull += 1) {
      if (!options.overlap) {
        await pollUntil(
          () => [...sentAt.keys()].every((key) => clock.firstReviewedAt.has(key)),
          options.settleSeconds * 1000,
          250,
        );
      }
      const sha = headSha(run.run, pull, 0);
      const delivery = pullRequestDelivery(
        `${run.run}-kill-${pull}`,
        pull,
        sha,
        "opened",
        WEBHOOK_SECRET,
      );
      sentAt.set(headKey(pull, sha), Date.now());
      await sender.send(web.url, delivery);
      // The review has begun when its check run is open; the kill comes at a random point after.
      await pollUntil(
        () => [...github.github.checkRuns.values()].some((checkRun) => checkRun.head_sha === sha),
        60_000,
        50,
      );
      await new Promise((resolve) =>
        setTimeout(resolve, Math.random() * (options.modelDelayMs + 2000)),
      );
      const midReview = [...github.github.checkRuns.values()].some(
        (checkRun) => checkRun.status !== "completed",
      );
      kills.push({ at: Date.now(), midReview });
      killed.add(worker);
      worker.child.kill("SIGKILL");
      await worker.stop();
      worker = await processes.startWorker();
    }

    const heads = [...sentAt.keys()];
    const reviewed = await pollUntil(
      () => heads.every((key) => clock.firstReviewedAt.has(key)),
      options.settleSeconds * 1000,
      500,
    );
    // A job killed after it posted stays active until its lost heartbeat is noticed; its retry
    // must find the review posted, not post a second one.
    await reviewJobsSettled(run, 120_000);
    await pollUntil(() => github.outcome().openCheckRuns === 0, 30_000);

    // For each kill, the heads sent before it and not yet reviewed: the delay to their review.
    let longestMs = 0;
    for (const { at } of kills) {
      for (const key of heads) {
        if (sentAt.get(key)! > at) continue;
        const doneAt = clock.firstReviewedAt.get(key) ?? Number.POSITIVE_INFINITY;
        if (doneAt > at) longestMs = Math.max(longestMs, doneAt - at);
      }
    }
    const outcome = github.outcome();
    await run.printOpenCheckRuns();
    // Reviewed once: one check run closed as a success, at most one GitHub review submitted.
    const counts = heads.map((key) =>
      Math.max(outcome.reviewsByHead.get(key) ?? 0, outcome.postedByHead.get(key) ?? 0),
    );
    const once = counts.filter((count) => count === 1).length;
    for (const [index, count] of counts.entries()) {
      if (count === 1) continue;
      const pull = Number(heads[index]!.split(":")[0]);
      console.log("head not reviewed once:", JSON.stringify(await run.describePull(pull), null, 1));
    }
    const jobs = await run.reviewJobStates();
    const exited = processes.unexpectedExits(killed);
    const scenario = "kill";
    return [
      {
        scenario,
        name: "SIGKILLs (with a check run in progress)",
        value: `${kills.length} (${kills.filter((k) => k.midReview).length})`,
      },
      {
        scenario,
        name: "heads reviewed exactly once",
        value: `${once} of ${heads.length}`,
        goal: `${heads.length}`,
        met: once === heads.length,
      },
      {
        scenario,
        name: "heads reviewed twice or more",
        value: String(counts.filter((c) => c > 1).length),
        goal: "0",
        met: counts.every((c) => c <= 1),
      },
      {
        scenario,
        name: "longest delay from a kill to completion",
        value: reviewed ? seconds(longestMs) : `not within ${options.settleSeconds} s`,
        goal: "< 90 s",
        met: reviewed && longestMs < 90_000,
      },
      noneOf(scenario, "check runs left open", outcome.openCheckRuns),
      { scenario, name: "review jobs by state", value: JSON.stringify(jobs) },
      noneOf(scenario, "processes that exited on their own", exited.length),
      noneOf(scenario, "requests GitHub would refuse", outcome.violations.length),
    ];
  } finally {
    clock.stop();
    await run.finish();
  }
}
