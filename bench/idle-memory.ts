// Idle memory: the resident memory of a started server with nothing to do. Revue started as
// `npm start` starts it (`node src/bin/revue.mjs start`: web server and workers in one process,
// with the launcher's malloc setting) on the embedded database and on PostgreSQL,
// beside a bare Probot app with an empty handler; the three start in turn, `rounds` times, so a
// noisy neighbour weighs on all of them alike. Each start is measured three ways:
// - 2 s after /ready (as bench/startup.ts);
// - settled: once the process has used under 5% of a core for 2 s (at most 60 s after /ready). V8
//   compiles hot WebAssembly functions again in the background (PGlite's SQL parser takes seconds
//   and over 500 MB while it does), so the figure 2 s after /ready may catch that or not;
// - peak (VmHWM) over the whole start.
// Medians over the rounds, the ratio to bare Probot, and the load average beside. Then, once, the
// three run side by side for `idleSeconds` (default 180, 0 skips it), sampled every 10 s: V8 keeps
// the young generation it grew while loading the modules until a collection finds the process
// allocating little, a minute or two later, so a server idle for minutes holds less than one
// just started.
// Run: node bench/idle-memory.ts [rounds] [idleSeconds]
// (BENCH_DATABASE_URL or TEST_DATABASE_URL adds the PostgreSQL backend, on a new database made for
// the run and dropped after it.)
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { spawnRevue, type SpawnedRevue } from "../test/helpers/spawn-revue.ts";
import { testPrivateKey } from "../test/helpers/test-keys.ts";
import { percentile, processCpuMs, report, residentMiB, serverUrl } from "./lib.ts";

const rounds = Number(process.argv[2] ?? 3);
const idleSeconds = Number(process.argv[3] ?? 180);
/** As `npm start` runs it. */
const npmStart = { script: "src/bin/revue.mjs", args: ["start"] };
const env = {
  APP_ID: "1",
  PRIVATE_KEY: testPrivateKey(),
  WEBHOOK_SECRET: "bench",
  // Configured as a real server is (its model clients built); an idle server calls no model.
  ANTHROPIC_API_KEY: "sk-ant-bench-0123456789abcdefghijklmnop",
  LOG_LEVEL: "warn",
  GHE_HOST: "127.0.0.1:9",
  GHE_PROTOCOL: "http",
};
const SETTLE_WINDOW_MS = 2000;
const SETTLE_CPU_SHARE = 0.05;
const SETTLE_LIMIT_MS = 60_000;

type Sample = { afterTwoSeconds: number; settled: number; settledAfterMs: number; peak: number };
type Target = {
  label: string;
  start(): Promise<SpawnedRevue>;
  samples: Sample[];
  loads: number[];
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(target: Target): Promise<void> {
  const server = await target.start();
  const pid = server.child.pid!;
  const ready = performance.now();
  await sleep(2000);
  const afterTwoSeconds = residentMiB(pid);
  // Settled: CPU used over the last window under the share, checked every 250 ms.
  const window: { at: number; cpu: number }[] = [];
  let settled: number | undefined;
  let settledAfterMs = Number.NaN;
  while (performance.now() - ready < SETTLE_LIMIT_MS) {
    const now = { at: performance.now(), cpu: processCpuMs(pid) };
    window.push(now);
    while (window.length > 1 && now.at - window[0]!.at > SETTLE_WINDOW_MS) window.shift();
    const first = window[0]!;
    if (
      now.at - first.at >= SETTLE_WINDOW_MS - 250 &&
      now.cpu - first.cpu <= SETTLE_CPU_SHARE * (now.at - first.at)
    ) {
      settled = residentMiB(pid);
      settledAfterMs = now.at - ready;
      break;
    }
    await sleep(250);
  }
  const peak = residentMiB(pid, "VmHWM");
  target.loads.push(loadavg()[0]!);
  await server.stop();
  target.samples.push({
    afterTwoSeconds,
    settled: settled ?? Number.NaN,
    settledAfterMs,
    peak,
  });
}

async function waitForPing(server: SpawnedRevue): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    try {
      await fetch(`${server.url}/ping`);
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`bare Probot did not start:\n${server.output()}`);
}

const targets: Target[] = [
  {
    label: "bare Probot",
    start: async () => {
      const server = await spawnRevue(env, { script: "bench/bare-probot.ts" });
      await waitForPing(server);
      return server;
    },
    samples: [],
    loads: [],
  },
];

// The embedded database: a data directory made (and migrated) by a first start, not measured.
const pgliteCwd = mkdtempSync(path.join(tmpdir(), "revue-bench-idle-"));
const first = await spawnRevue(env, { ...npmStart, cwd: pgliteCwd });
await first.ready(180_000);
await first.stop();
targets.push({
  label: "Revue, embedded PGlite",
  start: async () => {
    const server = await spawnRevue(env, { ...npmStart, cwd: pgliteCwd });
    await server.ready(120_000);
    return server;
  },
  samples: [],
  loads: [],
});

let pgAdmin: pg.Client | undefined;
const database = "revue_bench_idle";
if (serverUrl()) {
  const url = new URL(serverUrl()!);
  pgAdmin = new pg.Client({ connectionString: url.toString() });
  await pgAdmin.connect();
  await pgAdmin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await pgAdmin.query(`CREATE DATABASE ${database}`);
  url.pathname = `/${database}`;
  const postgresEnv = { ...env, DATABASE_URL: url.toString() };
  // Migrations run on the first start, not measured.
  const migrating = await spawnRevue(postgresEnv, npmStart);
  await migrating.ready(120_000);
  await migrating.stop();
  targets.push({
    label: "Revue, PostgreSQL",
    start: async () => {
      const server = await spawnRevue(postgresEnv, npmStart);
      await server.ready(120_000);
      return server;
    },
    samples: [],
    loads: [],
  });
}

console.log(
  `idle memory: ${rounds} interleaved rounds of ${targets.map((t) => t.label).join(", ")}; resident MiB`,
);
for (let round = 0; round < rounds; round += 1) {
  const order = round % 2 === 0 ? targets : [...targets].reverse();
  for (const target of order) await measure(target);
}

const median = (values: number[]) => percentile(values, 50);
const bare = targets[0]!;
for (const target of targets) {
  const figure = (pick: (sample: Sample) => number) => {
    const values = target.samples.map(pick);
    const ratio = median(values) / median(bare.samples.map(pick));
    return (
      `${median(values).toFixed(0)}` +
      (target === bare ? "" : ` (x${ratio.toFixed(2)})`) +
      ` [${values.map((v) => v.toFixed(0)).join(", ")}]`
    );
  };
  report(
    target.label,
    `2 s after ready ${figure((s) => s.afterTwoSeconds)}; settled ${figure((s) => s.settled)}` +
      ` after ${median(target.samples.map((s) => s.settledAfterMs / 1000)).toFixed(1)} s;` +
      ` peak ${figure((s) => s.peak)}; load average ${target.loads.map((l) => l.toFixed(2)).join(", ")}`,
  );
}

if (idleSeconds > 0) {
  const servers = [];
  for (const target of targets) servers.push(await target.start());
  const series: number[][] = servers.map(() => []);
  const loads: number[] = [];
  for (let elapsed = 0; elapsed <= idleSeconds; elapsed += 10) {
    servers.forEach((server, i) => series[i]!.push(residentMiB(server.child.pid!)));
    loads.push(loadavg()[0]!);
    if (elapsed < idleSeconds) await sleep(10_000);
  }
  for (const server of servers) await server.stop();
  targets.forEach((target, i) => {
    const last = series[i]!.at(-1)!;
    const ratio = last / series[0]!.at(-1)!;
    report(
      `${target.label}, side by side, after ${idleSeconds} s idle`,
      `${last.toFixed(0)}` +
        (i === 0 ? "" : ` (x${ratio.toFixed(2)})`) +
        ` [every 10 s: ${series[i]!.map((v) => v.toFixed(0)).join(" ")}]`,
    );
  });
  report("load average during it", `${percentile(loads, 50).toFixed(2)} (median)`);
}

await pgAdmin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
await pgAdmin?.end();
rmSync(pgliteCwd, { recursive: true, force: true });
// Pools and pollers of the measured backends may keep the event loop alive.
process.exit(0);
