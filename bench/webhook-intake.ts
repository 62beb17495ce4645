// Webhook intake: requests per second and latency for signed pull_request deliveries on loopback,
// Revue (web process only: verify, record the delivery, enqueue) against a bare Probot app with an
// empty handler. The servers run side by side and the loads alternate between them (bare, Revue on
// each backend, bare, ...) for `rounds` rounds, so a noisy neighbour slows all of them alike; the
// figures are medians over the rounds, with the load average beside them. After the run, the
// deliveries each Revue answered 2xx are counted in its database: the two counts must be equal.
// The CPU each delivery cost is given too, split between the server, the local PostgreSQL's
// processes and the load generator (this process), from /proc: on a machine whose cores all three
// share, it is what bounds the requests per second once the cores are busy.
// Run: node bench/webhook-intake.ts [requests per load] [connections, comma-separated] [rounds]
// (BENCH_DATABASE_URL or TEST_DATABASE_URL adds the PostgreSQL backend; BENCH_BACKENDS=pglite or
// =postgres keeps one.)
import { createHmac } from "node:crypto";
import { loadavg } from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import pg from "pg";
import { createPglite } from "../src/db/open-database.ts";
import { spawnRevue, type SpawnedRevue } from "../test/helpers/spawn-revue.ts";
import { testPrivateKey } from "../test/helpers/test-keys.ts";
import { pullRequestOpened } from "../test/helpers/fixtures.ts";
import { percentile, postgresCpuMs, processCpuMs, report, serverUrl } from "./lib.ts";

const perLoad = Number(process.argv[2] ?? 1500);
const connectionCounts = (process.argv[3] ?? "10,50").split(",").map(Number);
const rounds = Number(process.argv[4] ?? 3);
const secret = "bench-secret";
const env = {
  APP_ID: "1",
  PRIVATE_KEY: testPrivateKey(),
  WEBHOOK_SECRET: secret,
  LOG_LEVEL: "warn",
  REVUE_WORKERS: "false",
  GHE_HOST: "127.0.0.1:9",
  GHE_PROTOCOL: "http",
  ...(process.env.REVUE_INTAKE_BATCH_MS
    ? { REVUE_INTAKE_BATCH_MS: process.env.REVUE_INTAKE_BATCH_MS }
    : {}),
};
const run = `bench-${Date.now()}`;
const body = (n: number) => {
  const payload = pullRequestOpened();
  payload.number = n;
  payload.pull_request.number = n;
  return JSON.stringify(payload);
};

type Target = {
  label: string;
  server: SpawnedRevue;
  /** Answered 2xx, to compare with the rows stored. */
  ok: number;
  sent: number;
  rps: Record<number, number[]>;
  p99: Record<number, number[]>;
  /** CPU ms spent on the measured loads, per connection count, and the deliveries they sent. */
  cpu: Record<number, { server: number; postgres: number; generator: number; deliveries: number }>;
  count?: () => Promise<number>;
  /** The working directory of an embedded (PGlite) Revue: its data directory is `data` in it. */
  cwd?: string;
};

/** Signed deliveries, unique ids and pull request numbers, made before the clock starts. */
function deliveries(label: string, count: number, offset: number) {
  return Array.from({ length: count }, (_, i) => {
    const text = body(offset + i + 1);
    return {
      id: `${run}-${label}-${offset + i}`,
      body: text,
      signature: `sha256=${createHmac("sha256", secret).update(text).digest("hex")}`,
    };
  });
}

let offset = 0;
async function load(target: Target, connections: number, count: number) {
  const batch = deliveries(target.label, count, offset);
  offset += count;
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const cpuBefore = {
    server: processCpuMs(target.server.child.pid!),
    postgres: postgresCpuMs(),
    generator: process.cpuUsage(),
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < batch.length) {
        const delivery = batch[next++]!;
        const sent = performance.now();
        const response = await post(target, delivery);
        await response.arrayBuffer();
        if (response.status >= 200 && response.status < 300) target.ok += 1;
        else failures += 1;
        target.sent += 1;
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const generator = process.cpuUsage(cpuBefore.generator);
  const cpu = {
    server: processCpuMs(target.server.child.pid!) - cpuBefore.server,
    postgres: postgresCpuMs() - cpuBefore.postgres,
    generator: (generator.user + generator.system) / 1000,
  };
  return { rps: count / seconds, p99: percentile(latencies, 99), failures, cpu };
}

/**
 * Posts one delivery. A kept-alive connection that the server closed while it sat idle (between
 * this target's loads) fails the request before it is sent: it is sent again, once. Anything
 * else stops the run with the server's last output.
 */
async function post(
  target: Target,
  delivery: { id: string; body: string; signature: string },
  retried = false,
): Promise<Response> {
  try {
    return await fetch(`${target.server.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "pull_request",
        "x-github-delivery": delivery.id,
        "x-hub-signature-256": delivery.signature,
      },
      body: delivery.body,
    });
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code;
    if (!retried && code === "UND_ERR_SOCKET") return post(target, delivery, true);
    console.error(`${target.label} failed a request:`, error, target.server.output().slice(-4000));
    process.exit(1);
  }
}

const median = (values: number[]) => percentile(values, 50);

const targets: Target[] = [];
const bare = await spawnRevue(env, { script: "bench/bare-probot.ts" });
await waitForPort(bare.url);
targets.push({ label: "bare", server: bare, ok: 0, sent: 0, rps: {}, p99: {}, cpu: {} });

const wanted = process.env.BENCH_BACKENDS?.split(",") ?? ["pglite", "postgres"];
let pgAdmin: pg.Client | undefined;
if (wanted.includes("postgres") && serverUrl()) {
  // A database of its own, so the count after the run sees this run's rows alone.
  const url = new URL(serverUrl()!);
  pgAdmin = new pg.Client({ connectionString: url.toString() });
  await pgAdmin.connect();
  await pgAdmin.query("DROP DATABASE IF EXISTS revue_bench_intake WITH (FORCE)");
  await pgAdmin.query("CREATE DATABASE revue_bench_intake");
  url.pathname = "/revue_bench_intake";
  const server = await spawnRevue({ ...env, DATABASE_URL: url.toString() });
  await server.ready(120_000);
  const label = "postgres";
  targets.push({
    label,
    server,
    ok: 0,
    sent: 0,
    rps: {},
    p99: {},
    cpu: {},
    count: async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE delivery_id LIKE $1",
        [`${run}-${label}-%`],
      );
      await client.end();
      return Number(rows[0]!.n);
    },
  });
}
if (wanted.includes("pglite")) {
  const cwd = mkdtempSync(path.join(tmpdir(), "revue-bench-"));
  const server = await spawnRevue(env, { cwd });
  await server.ready(180_000);
  targets.push({ label: "pglite", server, ok: 0, sent: 0, rps: {}, p99: {}, cpu: {}, cwd });
}

console.log(
  `webhook intake: ${perLoad} signed pull_request deliveries per load, ${connectionCounts.join(" and ")} connections, ${rounds} interleaved rounds, loopback, targets ${targets.map((t) => t.label).join(", ")}`,
);
// Warm-up (JIT, pools, the queue's caches), not measured: at each connection count, as long as
// a measured load. With 200 deliveries, bare Probot's first rounds ran at half its later speed
// (its code was not yet optimised), which flattered every ratio taken against them.
for (const connections of connectionCounts) {
  for (const target of targets) await load(target, connections, perLoad);
}

const loads: number[] = [];
for (const connections of connectionCounts) {
  for (let round = 0; round < rounds; round += 1) {
    // Alternate the order too, so no target always runs right after another.
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const measured = await load(target, connections, perLoad);
      (target.rps[connections] ??= []).push(measured.rps);
      (target.p99[connections] ??= []).push(measured.p99);
      const cpu = (target.cpu[connections] ??= {
        server: 0,
        postgres: 0,
        generator: 0,
        deliveries: 0,
      });
      cpu.server += measured.cpu.server;
      cpu.postgres += measured.cpu.postgres;
      cpu.generator += measured.cpu.generator;
      cpu.deliveries += perLoad;
      if (measured.failures) console.log(`  ${target.label}: ${measured.failures} non-2xx answers`);
    }
    loads.push(loadavg()[0]!);
  }
}

const bareTarget = targets[0]!;
for (const connections of connectionCounts) {
  const bareRps = bareTarget.rps[connections]!;
  const baseline = median(bareRps);
  for (const target of targets) {
    const rps = target.rps[connections]!;
    const ratios = rps.map((value, i) => value / bareRps[i]!);
    report(
      `${target.label}, ${connections} connections`,
      `${median(rps).toFixed(0)} requests/s (rounds: ${rps.map((v) => v.toFixed(0)).join(", ")}), p99 ${median(target.p99[connections]!).toFixed(1)} ms` +
        (target.label === "bare"
          ? ""
          : `, x${(median(rps) / baseline).toFixed(2)} of bare Probot (per round: ${ratios.map((r) => r.toFixed(2)).join(", ")})`),
    );
    const cpu = target.cpu[connections]!;
    const perDelivery = (ms: number) => `${(ms / cpu.deliveries).toFixed(3)} ms`;
    report(
      `${target.label}, ${connections} connections, CPU per delivery`,
      `server ${perDelivery(cpu.server)}, PostgreSQL ${perDelivery(cpu.postgres)}, load generator ${perDelivery(cpu.generator)}`,
    );
  }
}
report("load average (1 min) after each round", loads.map((l) => l.toFixed(2)).join(", "));

for (const target of targets) {
  if (target.label === "bare") {
    await target.server.stop();
    continue;
  }
  await target.server.stop();
  const stored = target.count ? await target.count() : await countPglite(target.cwd!);
  report(
    `${target.label}: 2xx answers / deliveries stored`,
    `${target.ok} / ${stored}${target.ok === stored ? "" : "  MISMATCH"}`,
  );
}
await pgAdmin?.end();

async function countPglite(cwd: string): Promise<number> {
  const db = await createPglite(path.join(cwd, "data"));
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivery_id LIKE $1",
    [`${run}-pglite-%`],
  );
  await db.close();
  return rows[0]!.n;
}

async function waitForPort(url: string) {
  for (let i = 0; i < 200; i += 1) {
    try {
      await fetch(`${url}/ping`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error("bare Probot did not start");
}

// Pools and pollers of the measured backends may keep the event loop alive.
process.exit(0);
