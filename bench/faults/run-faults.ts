// `npm run faults [-- <scenario>... [--scale quick|full] [--deliveries N] [--kills N] [--overlap]]`: starts the
// real Revue processes (web: src/bin/start.ts, workers: src/bin/worker.ts) against a fresh
// database on the local PostgreSQL and HTTP stand-ins for GitHub and the model, breaks things
// (floods, SIGKILL, SIGTERM) and prints what was lost, duplicated or left open. Not part of
// `npm test`: a quick run takes minutes. The server: FAULTS_DATABASE_URL, else TEST_DATABASE_URL,
// else postgres://postgres@127.0.0.1:5432/test (it needs pgvector).
import { parseArgs } from "node:util";
import { printFigures, type Figure } from "./figures.ts";
import { dbOutage } from "./db-outage.ts";
import { flood } from "./flood.ts";
import { kill } from "./kill.ts";
import { sigterm } from "./sigterm.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scale: { type: "string", default: "quick" },
    deliveries: { type: "string" },
    pulls: { type: "string" },
    concurrency: { type: "string" },
    kills: { type: "string" },
    overlap: { type: "boolean", default: false },
    grace: { type: "string" },
    settle: { type: "string" },
  },
});
if (values.scale !== "quick" && values.scale !== "full") {
  throw new Error(`--scale must be quick or full, not ${values.scale}`);
}
const full = values.scale === "full";
const adminUrl =
  process.env.FAULTS_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

const scenarios: Record<string, () => Promise<Figure[]>> = {
  flood: () =>
    flood(adminUrl, {
      deliveries: Number(values.deliveries ?? (full ? 10_000 : 2_000)),
      pulls: Number(values.pulls ?? 200),
      concurrency: Number(values.concurrency ?? 32),
      settleSeconds: full ? 900 : 300,
    }),
  kill: () =>
    kill(adminUrl, {
      kills: Number(values.kills ?? (full ? 20 : 4)),
      overlap: values.overlap,
      modelDelayMs: 3000,
      settleSeconds: 180,
    }),
  sigterm: () =>
    sigterm(adminUrl, {
      pulls: 6,
      graceSeconds: Number(values.grace ?? 5),
      settleSeconds: 180,
    }),
  "db-outage": () =>
    dbOutage({
      pulls: 40,
      rate: 10,
      outageSeconds: 15,
      // Long enough for Revue's scheduled redelivery (every 10 minutes) in a full run.
      settleSeconds: Number(values.settle ?? (full ? 660 : 120)),
    }),
};

const chosen = positionals.length > 0 ? positionals : Object.keys(scenarios);
const unknown = chosen.filter((name) => !(name in scenarios));
if (unknown.length > 0) {
  throw new Error(
    `unknown scenario ${unknown.join(", ")}: choose from ${Object.keys(scenarios).join(", ")}`,
  );
}
const figures: Figure[] = [];
for (const name of chosen) {
  console.log(`== ${name} (${values.scale})`);
  const started = Date.now();
  try {
    figures.push(...(await scenarios[name]!()));
  } catch (error) {
    figures.push({
      scenario: name,
      name: "run",
      value: `failed: ${String(error).slice(0, 300)}`,
      met: false,
    });
    console.error(error);
  }
  console.log(`   ${name} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
printFigures(figures);
process.exit(figures.some((figure) => figure.met === false) ? 1 : 0);
