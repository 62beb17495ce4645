// Start of `npm start` on the embedded database until /ready answers, beside a bare Probot app's
// start, with where the time went and the resident memory of the idle server. Each run makes, in
// a folder of its own: a first start with an empty template cache (initdb, migrations, queue; the
// template and the compiled code are written), a start in another new data directory (from that
// template), and a warm start of the same directory again. Run: node bench/startup.ts [runs]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { freePort, spawnRevue } from "../test/helpers/spawn-revue.ts";
import { testPrivateKey } from "../test/helpers/test-keys.ts";
import { ms, percentile, report, residentMiB } from "./lib.ts";

const runs = Number(process.argv[2] ?? 5);
const env: Record<string, string> = {
  APP_ID: "1",
  PRIVATE_KEY: testPrivateKey(),
  WEBHOOK_SECRET: "bench",
  // Debug for the lines that mark each step (build-runtime.ts); JSON for their times.
  LOG_LEVEL: "debug",
  LOG_FORMAT: "json",
  GHE_HOST: "127.0.0.1:9",
  GHE_PROTOCOL: "http",
};

/** The log lines that end each step of a start, in order, and the step's name. */
const STEPS: [string, string][] = [
  ["listening at ", "node, imports, Probot listening"],
  ["database open", "database open"],
  ["database migrated", "migrations (none pending)"],
  ["queue started", "pg-boss started, queues checked"],
  ["Revue is up", "app wired"],
  ["workers started", "workers started"],
];

type Start = { ms: number; cpuMs: number; steps: number[]; rssMiB: number };

async function timeToReady(cwd: string, cacheDir: string): Promise<Start> {
  const started = Date.now();
  const revue = await spawnRevue(
    { ...env, REVUE_CACHE_DIR: cacheDir },
    // Exactly `npm start`: the launcher restarts itself for malloc and keeps compiled code.
    { cwd, script: "src/bin/revue.mjs", args: ["start"] },
  );
  await revue.ready(120_000);
  const elapsed = Date.now() - started;
  const cpuMs = cpuMsOf(revue.child.pid!);
  await new Promise((resolve) => setTimeout(resolve, 2000)); // idle: workers polling, nothing to do
  const rssMiB = residentMiB(revue.child.pid!);
  await revue.stop();
  const times = new Map<string, number>();
  for (const line of revue.output().split("\n")) {
    try {
      const { msg, time } = JSON.parse(line) as { msg?: string; time?: number };
      const step = STEPS.find(([prefix]) => msg?.startsWith(prefix));
      if (step && time && !times.has(step[0])) times.set(step[0], time - started);
    } catch {
      // Not a log line.
    }
  }
  // Each step's own duration: from the end of the one before (the spawn for the first).
  let previous = 0;
  const steps = STEPS.map(([prefix]) => {
    const end = times.get(prefix) ?? Number.NaN;
    const own = end - previous;
    previous = end;
    return own;
  });
  steps.push(elapsed - previous); // to the first /ready 200 the bench saw (it asks every 50 ms)
  return { ms: elapsed, cpuMs, steps, rssMiB };
}

/** User and system CPU time the process has used so far, from /proc (Linux; 100 ticks a second). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Time until a bare Probot app (bench/bare-probot.ts) answers HTTP at all. */
async function bareProbotStart(): Promise<number> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "bare-probot.ts")], {
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      PRIVATE_KEY: env.PRIVATE_KEY,
      WEBHOOK_SECRET: env.WEBHOOK_SECRET,
    },
    stdio: "ignore",
  });
  try {
    for (;;) {
      try {
        await fetch(`http://127.0.0.1:${port}/`);
        return Date.now() - started;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    child.kill("SIGTERM");
  }
}

const median = (values: number[]) => percentile(values, 50);
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

console.log(
  `startup (${runs} runs each; embedded PGlite with pgvector; workers in process; load average ${load()})`,
);
const kinds = ["first start (empty cache)", "new data dir from template", "warm start"] as const;
const starts: Record<(typeof kinds)[number], Start[]> = {
  "first start (empty cache)": [],
  "new data dir from template": [],
  "warm start": [],
};
const bare: number[] = [];
for (let i = 0; i < runs; i += 1) {
  const cwd = mkdtempSync(path.join(tmpdir(), "revue-bench-start-"));
  const cache = path.join(cwd, "cache");
  for (const dir of ["a", "b"]) mkdirSync(path.join(cwd, dir));
  bare.push(await bareProbotStart());
  starts["first start (empty cache)"].push(await timeToReady(path.join(cwd, "a"), cache));
  starts["new data dir from template"].push(await timeToReady(path.join(cwd, "b"), cache));
  starts["warm start"].push(await timeToReady(path.join(cwd, "b"), cache)); // the same directory
  rmSync(cwd, { recursive: true, force: true });
}
const bareMedian = median(bare);
report("bare Probot to its first HTTP answer, median", ms(bareMedian));
for (const kind of kinds) {
  const list = starts[kind];
  const wall = median(list.map((start) => start.ms));
  report(
    `${kind} to /ready, median`,
    `${ms(wall)} (${(wall / bareMedian).toFixed(1)}x bare Probot; max ${ms(Math.max(...list.map((s) => s.ms)))}; ` +
      `CPU ${ms(median(list.map((start) => start.cpuMs)))})`,
  );
  const steps = [...STEPS.map(([, name]) => name), "until /ready answered"];
  console.log(
    `    steps (medians): ${steps.map((name, index) => `${name} ${median(list.map((start) => start.steps[index]!)).toFixed(0)}`).join(", ")} ms`,
  );
}
report(
  "idle server resident memory (warm start), median",
  `${median(starts["warm start"].map((start) => start.rssMiB)).toFixed(1)} MiB`,
);
console.log(`  load average after: ${load()}`);

// Pools and pollers of the measured backends may keep the event loop alive.
process.exit(0);
