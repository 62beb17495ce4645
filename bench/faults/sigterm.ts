import { pullRequestDelivery } from "./deliveries.ts";
import { noneOf, pollUntil, seconds, type Figure } from "./figures.ts";
import { headKey, headSha } from "./github-stand-in.ts";
import { WEBHOOK_SECRET } from "./revue-processes.ts";
import { reviewJobsSettled, startFaultRun } from "./start-fault-run.ts";

export type SigtermOptions = {
  pulls: number;
  graceSeconds: number;
  settleSeconds: number;
};

/**
 * One web and one worker process (REVUE_SHUTDOWN_GRACE_SECONDS=grace) under load: half of the
 * pull requests sent, the worker's reviews stuck in a model call longer than the grace, SIGTERM,
 * the other half sent while it stops. It must exit 0 within grace + 5 s, handing its running jobs
 * back; a second worker then reviews every pull request once.
 */
export async function sigterm(adminUrl: string, options: SigtermOptions): Promise<Figure[]> {
  const slowMs = (options.graceSeconds + 20) * 1000;
  const run = await startFaultRun({ adminUrl, pulls: options.pulls, modelDelayMs: slowMs });
  try {
    const { processes, github, sender, model } = run;
    const web = await processes.startWeb();
    const first = await processes.startWorker({
      REVUE_SHUTDOWN_GRACE_SECONDS: String(options.graceSeconds),
    });
    const heads: string[] = [];
    const send = async (pull: number) => {
      const sha = headSha(run.run, pull, 0);
      heads.push(headKey(pull, sha));
      await sender.send(
        web.url,
        pullRequestDelivery(`${run.run}-term-${pull}`, pull, sha, "opened", WEBHOOK_SECRET),
      );
    };
    const half = Math.ceil(options.pulls / 2);
    for (let pull = 1; pull <= half; pull += 1) await send(pull);
    // Both of the worker's slots (REVUE_WORKER_CONCURRENCY 2) are inside a model call.
    const busy = await pollUntil(() => model.calls() >= Math.min(2, half), 120_000);

    const termAt = Date.now();
    const exited = first.stop();
    for (let pull = half + 1; pull <= options.pulls; pull += 1) await send(pull);
    const code = await exited;
    const exitMs = Date.now() - termAt;
    const handedBack = first.output().includes("handed back");

    model.setDelay(200);
    await processes.startWorker();
    const reviewed = await pollUntil(
      () => heads.every((key) => github.outcome().reviewsByHead.has(key)),
      options.settleSeconds * 1000,
      500,
    );
    // A job killed after it posted stays active until its lost heartbeat is noticed; its retry
    // must find the review posted, not post a second one.
    await reviewJobsSettled(run, 120_000);
    await pollUntil(() => github.outcome().openCheckRuns === 0, 30_000);
    const outcome = github.outcome();
    await run.printOpenCheckRuns();
    const lost = heads.filter((key) => !outcome.reviewsByHead.has(key)).length;
    const twice = heads.filter(
      (key) =>
        (outcome.reviewsByHead.get(key) ?? 0) > 1 || (outcome.postedByHead.get(key) ?? 0) > 1,
    ).length;
    const jobs = await run.reviewJobStates();
    const scenario = "sigterm";
    const limitMs = (options.graceSeconds + 5) * 1000;
    return [
      {
        scenario,
        name: "reviews mid-call at SIGTERM",
        value: busy ? "yes" : "no (the model was never called)",
      },
      {
        scenario,
        name: `exit time (grace ${options.graceSeconds} s)`,
        value: seconds(exitMs),
        goal: `< ${limitMs / 1000} s`,
        met: exitMs < limitMs,
      },
      { scenario, name: "exit code", value: String(code), goal: "0", met: code === 0 },
      { scenario, name: "running jobs handed back (logged)", value: handedBack ? "yes" : "no" },
      {
        scenario,
        name: "jobs lost (heads never reviewed)",
        value: `${lost} of ${heads.length}`,
        goal: "0",
        met: reviewed && lost === 0,
      },
      noneOf(scenario, "heads reviewed twice", twice),
      noneOf(scenario, "check runs left open", outcome.openCheckRuns),
      { scenario, name: "review jobs by state", value: JSON.stringify(jobs) },
      noneOf(scenario, "requests GitHub would refuse", outcome.violations.length),
    ];
  } finally {
    await run.finish();
  }
}
