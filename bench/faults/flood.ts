import { isSuccess } from "./deliveries.ts";
import { noneOf, pollUntil, seconds, type Figure } from "./figures.ts";
import { planFlood } from "./flood-plan.ts";
import { headKey } from "./github-stand-in.ts";
import { WEBHOOK_SECRET } from "./revue-processes.ts";
import { watchReviews } from "./review-clock.ts";
import { reviewJobsSettled, startFaultRun } from "./start-fault-run.ts";

export type FloodOptions = {
  deliveries: number;
  pulls: number;
  /** Deliveries in flight at once, over both web processes. */
  concurrency: number;
  /** How long the reviews may take after the last delivery before what is missing is counted. */
  settleSeconds: number;
};

/**
 * `deliveries` signed pull_request deliveries over `pulls` pull requests (10% repeated delivery
 * ids, 5% bad signatures), sent concurrently to two web processes and worked by three worker
 * processes. Every pull request's last push must be reviewed exactly once; no head twice.
 */
export async function flood(adminUrl: string, options: FloodOptions): Promise<Figure[]> {
  const run = await startFaultRun({ adminUrl, pulls: options.pulls, modelDelayMs: 200 });
  try {
    const { processes, github, sender } = run;
    await processes.startWeb();
    await Promise.all([
      processes.startWeb(),
      processes.startWorker(),
      processes.startWorker(),
      processes.startWorker(),
    ]);
    const plan = planFlood({
      run: run.run,
      total: options.deliveries,
      pulls: options.pulls,
      repeatShare: 0.1,
      badShare: 0.05,
      secret: WEBHOOK_SECRET,
    });
    const lastHead = new Map<number, string>();
    for (const planned of plan) {
      if (planned.kind === "fresh") lastHead.set(planned.delivery.pull, planned.delivery.headSha);
    }

    const clock = watchReviews(github);
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async (_, lane) => {
        const web = processes.webs[lane % processes.webs.length]!;
        while (next < plan.length) {
          const planned = plan[next++]!;
          // GitHub shows the push before it sends the webhook about it.
          if (planned.kind === "fresh")
            github.setHead(planned.delivery.pull, planned.delivery.headSha);
          await sender.send(web.url, planned.delivery);
        }
      }),
    );
    const sentMs = Date.now() - started;

    const allReviewed = () => {
      const { reviewsByHead } = github.outcome();
      return [...lastHead].every(([pull, sha]) => reviewsByHead.has(headKey(pull, sha)));
    };
    await pollUntil(allReviewed, options.settleSeconds * 1000, 500);
    // Let the last check runs close and any late duplicate show itself.
    await reviewJobsSettled(run, 120_000);
    await pollUntil(() => github.outcome().openCheckRuns === 0, 10_000);
    clock.stop();
    // When the last of the last heads to be reviewed was (those reviewed at all).
    const reviewedMs =
      Math.max(
        started,
        ...[...lastHead].map(([pull, sha]) => clock.firstReviewedAt.get(headKey(pull, sha)) ?? 0),
      ) - started;

    const answers = sender.answers.filter((a) => !a.redelivery);
    const bad = answers.filter((a) => a.delivery.id.includes("-bad-"));
    const rejected = bad.filter((a) => a.status >= 400 && a.status < 500).length;
    const good = answers.filter((a) => !a.delivery.id.includes("-bad-"));
    const accepted = [
      ...new Set(good.filter((a) => isSuccess(a.status)).map((a) => a.delivery.id)),
    ];
    const stored = await run.storedDeliveries(accepted);
    const lost = accepted.filter((id) => !stored.has(id)).length;
    const failedAnswers = good.filter((a) => !isSuccess(a.status)).length;
    const outcome = github.outcome();
    await run.printOpenCheckRuns();
    const twice = [...outcome.reviewsByHead.keys()].filter(
      (key) => outcome.reviewsByHead.get(key)! > 1 || (outcome.postedByHead.get(key) ?? 0) > 1,
    ).length;
    const never = [...lastHead].filter(
      ([pull, sha]) => !outcome.reviewsByHead.has(headKey(pull, sha)),
    ).length;
    for (const [pull, sha] of lastHead) {
      if (outcome.reviewsByHead.has(headKey(pull, sha))) continue;
      console.log(
        "last head never reviewed:",
        JSON.stringify(await run.describePull(pull), null, 1),
      );
    }
    const jobs = await run.reviewJobStates();
    const exited = processes.unexpectedExits(new Set());

    const scenario = "flood";
    return [
      {
        scenario,
        name: "deliveries sent (repeated ids, bad signatures)",
        value: `${answers.length} (${plan.filter((p) => p.kind === "repeat").length}, ${bad.length})`,
      },
      {
        scenario,
        name: "bad signatures rejected (4xx)",
        value: `${((100 * rejected) / Math.max(1, bad.length)).toFixed(1)}%`,
        goal: "100%",
        met: rejected === bad.length,
      },
      noneOf(scenario, "deliveries lost (2xx, not stored)", lost),
      { scenario, name: "good deliveries answered non-2xx", value: String(failedAnswers) },
      noneOf(scenario, "heads reviewed twice", twice),
      {
        scenario,
        name: "last heads never reviewed",
        value: `${never} of ${lastHead.size}`,
        goal: "0",
        met: never === 0,
      },
      noneOf(scenario, "check runs left open", outcome.openCheckRuns),
      { scenario, name: "heads reviewed (all pushes)", value: String(outcome.reviewsByHead.size) },
      { scenario, name: "review jobs by state", value: JSON.stringify(jobs) },
      {
        scenario,
        name: "throughput (sending)",
        value: `${((answers.length * 1000) / sentMs).toFixed(0)} deliveries/s over ${seconds(sentMs)}`,
      },
      {
        scenario,
        name: "time until all last heads reviewed",
        // Counted again at the end: a last head may be reviewed while the jobs settle.
        value:
          never === 0
            ? seconds(reviewedMs)
            : `${seconds(reviewedMs)} for those reviewed; the rest not within ${options.settleSeconds} s`,
      },
      noneOf(scenario, "processes that exited on their own", exited.length),
      noneOf(scenario, "requests GitHub would refuse", outcome.violations.length),
    ];
  } finally {
    await run.finish();
  }
}
