// Cold and warm start of `npm start` on the embedded database until /ready answers, and the
// resident memory of the idle server. Run: node bench/startup.ts [runs]
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnRevue } from "../test/helpers/spawn-revue.ts";
import { testPrivateKey } from "../test/helpers/test-keys.ts";
import { ms, percentile, report, residentMiB } from "./lib.ts";

const runs = Number(process.argv[2] ?? 5);
const env = {
  APP_ID: "1",
  PRIVATE_KEY: testPrivateKey(),
  WEBHOOK_SECRET: "bench",
  LOG_LEVEL: "warn",
  GHE_HOST: "127.0.0.1:9",
  GHE_PROTOCOL: "http",
};

async function timeToReady(cwd: string, cacheDir: string): Promise<{ ms: number; rssMiB: number }> {
  const started = performance.now();
  const revue = await spawnRevue({ ...env, REVUE_CACHE_DIR: cacheDir }, { cwd });
  await revue.ready(60_000);
  const elapsed = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 2000)); // idle: workers polling, nothing to do
  const rssMiB = residentMiB(revue.child.pid!);
  await revue.stop();
  return { ms: elapsed, rssMiB };
}

console.log(`startup (${runs} runs each; embedded PGlite with pgvector; workers in process)`);
const cold: number[] = [];
const templated: number[] = [];
const warm: number[] = [];
const rss: number[] = [];
for (let i = 0; i < runs; i += 1) {
  const cwd = mkdtempSync(path.join(tmpdir(), "revue-bench-start-"));
  const cache = path.join(cwd, "cache");
  for (const dir of ["a", "b"]) mkdirSync(path.join(cwd, dir));
  // Empty data directory, empty cache (the first start on a machine): initdb, then the template is
  // cached, then migrations.
  const first = await timeToReady(path.join(cwd, "a"), cache);
  // Another empty data directory: unpacked from the cached template, then migrations.
  const second = await timeToReady(path.join(cwd, "b"), cache);
  const third = await timeToReady(path.join(cwd, "b"), cache); // the same directory again
  cold.push(first.ms);
  templated.push(second.ms);
  warm.push(third.ms);
  rss.push(third.rssMiB);
  rmSync(cwd, { recursive: true, force: true });
}
report("first start on a machine to /ready (initdb), median", ms(percentile(cold, 50)));
report("new data dir from the cached template to /ready, median", ms(percentile(templated, 50)));
report("new data dir from the cached template, max", ms(Math.max(...templated)));
report("warm start to /ready (existing data dir), median", ms(percentile(warm, 50)));
report("warm start to /ready, max", ms(Math.max(...warm)));
report("idle server resident memory, median", `${percentile(rss, 50).toFixed(1)} MiB`);

// Pools and pollers of the measured backends may keep the event loop alive.
process.exit(0);
