import type { Harness } from "./revue-harness.ts";

/** Polls `check` (no fixed sleeps) until it returns a value, or throws with `describe()` after the timeout. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  describe: () => string | Promise<string>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until at least `count` reviews are no longer running; returns all review rows. */
export async function reviewsSettled(harness: Harness, count = 1, timeoutMs = 45_000) {
  const rows = () => harness.db.db.selectFrom("reviews").selectAll().orderBy("id").execute();
  return waitFor(
    async () => {
      const all = await rows();
      return all.filter((r) => r.status !== "running").length >= count ? all : undefined;
    },
    async () => `reviews not settled: ${JSON.stringify((await rows()).map((r) => r.status))}`,
    timeoutMs,
  );
}

/** Waits until no review job is queued, retrying or active. */
export async function jobsIdle(harness: Harness, timeoutMs = 20_000) {
  const jobs = () => harness.boss.findJobs("review-pull-request", {});
  return waitFor(
    async () => {
      const all = await jobs();
      return all.every((j) => ["completed", "failed", "cancelled"].includes(j.state))
        ? all
        : undefined;
    },
    async () => `jobs still running: ${(await jobs()).map((j) => j.state)}`,
    timeoutMs,
  );
}

/** Waits until the fake GitHub has a completed check run; returns it. */
export async function checkRunCompleted(
  github: { checkRuns: Map<number, Record<string, unknown>> },
  timeoutMs = 45_000,
) {
  return waitFor(
    () => [...github.checkRuns.values()].find((run) => run.status === "completed"),
    () => `no completed check run: ${JSON.stringify([...github.checkRuns.values()])}`,
    timeoutMs,
  );
}
