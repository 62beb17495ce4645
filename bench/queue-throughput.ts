// pg-boss throughput on each backend: jobs per second sent, and sent-to-completed.
// Run: node bench/queue-throughput.ts [jobs]   (the server backend needs BENCH_DATABASE_URL or TEST_DATABASE_URL)
import { pino } from "pino";
import { startQueue } from "../src/queue/start-queue.ts";
import { sendJob } from "../src/queue/send-job.ts";
import { workJobs } from "../src/queue/work-jobs.ts";
import { reviewKey, type ReviewJob } from "../src/queue/jobs.ts";
import { createTestDatabase, type Backend } from "../test/helpers/test-database.ts";
import { report, serverUrl } from "./lib.ts";

const total = Number(process.argv[2] ?? 1000);
const log = pino({ level: "silent" });

function job(i: number): ReviewJob {
  return {
    installationId: 1,
    repositoryId: 1,
    owner: "o",
    repo: "r",
    pullNumber: i, // one PR each: the per-PR policy would otherwise collapse them
    trigger: "opened",
    mode: "full",
    deliveryId: `d-${i}`,
    headSha: "0".repeat(40),
  };
}

async function measure(backend: Backend) {
  if (backend === "postgres") process.env.TEST_DATABASE_URL = serverUrl();
  const db = await createTestDatabase(backend);
  const boss = await startQueue(db, { log, schema: db.queueSchema });
  let completed = 0;
  let allDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (allDone = resolve));

  const sendStarted = performance.now();
  for (let i = 0; i < total; i += 1)
    await sendJob(boss, "review-pull-request", job(i), { singletonKey: reviewKey(job(i)) });
  const sendSeconds = (performance.now() - sendStarted) / 1000;

  const workStarted = performance.now();
  await workJobs(
    boss,
    "review-pull-request",
    async () => {
      completed += 1;
      if (completed === total) allDone();
    },
    { log, concurrency: 4, pollSeconds: 0.5 },
  );
  await done;
  const workSeconds = (performance.now() - workStarted) / 1000;
  await boss.stop({ graceful: false, close: true, timeout: 2000 });
  await db.close();
  report(
    `${backend}: sent one at a time`,
    `${(total / sendSeconds).toFixed(0)} jobs/s (${total} jobs)`,
  );
  report(
    `${backend}: worked to completion (4 concurrent)`,
    `${(total / workSeconds).toFixed(0)} jobs/s`,
  );
}

console.log(`queue throughput (${total} jobs)`);
await measure("pglite");
if (serverUrl()) await measure("postgres");
else console.log("  postgres: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)");

// Pools and pollers of the measured backends may keep the event loop alive.
process.exit(0);
