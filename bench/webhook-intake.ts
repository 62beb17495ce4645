// Webhook intake: latency and requests per second for signed pull_request deliveries on loopback,
// Revue (web process only: verify, record the delivery, enqueue) against a bare Probot app with an
// empty handler, measured in the same run; and Revue's resident memory under that load.
// Run: node bench/webhook-intake.ts [requests] [concurrency]
import { createHmac } from "node:crypto";
import { spawnRevue, type SpawnedRevue } from "../test/helpers/spawn-revue.ts";
import { testPrivateKey } from "../test/helpers/test-keys.ts";
import { pullRequestOpened } from "../test/helpers/fixtures.ts";
import { percentile, report, residentMiB, serverUrl } from "./lib.ts";

const total = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 16);
const secret = "bench-secret";
const env = {
  APP_ID: "1",
  PRIVATE_KEY: testPrivateKey(),
  WEBHOOK_SECRET: secret,
  LOG_LEVEL: "warn",
  REVUE_WORKERS: "false",
  GHE_HOST: "127.0.0.1:9",
  GHE_PROTOCOL: "http",
};

// Distinct deliveries for distinct pull requests, signed before the clock starts.
const deliveries = Array.from({ length: total }, (_, i) => {
  const payload = pullRequestOpened();
  payload.number = i + 1;
  payload.pull_request.number = i + 1;
  const body = JSON.stringify(payload);
  return {
    id: `bench-${Date.now()}-${i}`,
    body,
    signature: `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  };
});

async function load(server: SpawnedRevue, label: string) {
  const latencies: number[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, residentMiB(server.child.pid!));
    } catch {
      // process gone
    }
  }, 100);
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++]!;
        const sent = performance.now();
        const response = await fetch(`${server.url}/api/github/webhooks`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "pull_request",
            "x-github-delivery": delivery.id,
            "x-hub-signature-256": delivery.signature,
          },
          body: delivery.body,
        });
        await response.arrayBuffer();
        if (response.status !== 200) failures += 1;
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const rps = total / seconds;
  report(
    `${label}: p50 / p99 latency`,
    `${percentile(latencies, 50).toFixed(2)} ms / ${percentile(latencies, 99).toFixed(2)} ms`,
  );
  report(
    `${label}: throughput`,
    `${rps.toFixed(0)} requests/s${failures ? ` (${failures} non-200)` : ""}`,
  );
  report(`${label}: peak resident memory under load`, `${peakRss.toFixed(1)} MiB`);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps };
}

console.log(
  `webhook intake (${total} signed pull_request deliveries, ${concurrency} concurrent, loopback)`,
);
const backends: [string, Record<string, string>][] = [["revue (PGlite)", {}]];
if (serverUrl()) backends.push(["revue (PostgreSQL)", { DATABASE_URL: serverUrl()! }]);
const bare = await spawnRevue(env, { script: "bench/bare-probot.ts" });
await waitForPort(bare.url);
const baseline = await load(bare, "bare Probot, empty handler");
await bare.stop();
for (const [label, extra] of backends) {
  const revue = await spawnRevue({ ...env, ...extra });
  await revue.ready(60_000);
  deliveries.forEach((d, i) => (d.id = `bench-${Date.now()}-${label}-${i}`));
  const measured = await load(revue, label);
  report(
    `${label}: ratio to bare Probot`,
    `p50 x${(measured.p50 / baseline.p50).toFixed(2)}, p99 x${(measured.p99 / baseline.p99).toFixed(2)}, throughput x${(measured.rps / baseline.rps).toFixed(2)}`,
  );
  await revue.stop();
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
