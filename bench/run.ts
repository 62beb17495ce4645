// `npm run bench`: runs every benchmark in turn and prints their figures. Each is also runnable
// alone (`node bench/<name>.ts`). Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL
// server with pgvector to measure the server backend as well as the embedded one.
import { spawnSync } from "node:child_process";
import path from "node:path";

const benches: [string, ...string[]][] = [
  ["startup.ts", "3"],
  ["idle-memory.ts", "3", "180"],
  ["queue-throughput.ts", "1000"],
  // The issue-13 goals are at 10 and 50 connections, against bare Probot in the same run.
  ["webhook-intake.ts", "3000", "10,50", "3"],
  ["pipeline-overhead.ts", "30"],
  ["index-bench.ts"],
  ["retrieval-quality-bench.ts"],
  ["memory-gate.ts"],
];
const only = process.argv.slice(2);
let failed = 0;
for (const [script, ...args] of benches) {
  if (only.length > 0 && !only.some((name) => script.startsWith(name))) continue;
  console.log(`\n== ${script} ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [path.join(import.meta.dirname, script), ...args], {
    stdio: "inherit",
  });
  if (result.status !== 0) {
    failed += 1;
    console.log(`   ${script} exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
