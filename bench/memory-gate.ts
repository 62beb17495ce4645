/**
 * The memory gate on a fixture of past findings with human verdicts:
 * `node bench/memory-gate.ts [threshold...]`. Prints, at the default threshold
 * (REVUE_MEMORY_GATE_THRESHOLD's default) and over a sweep, how many rejected-like new findings
 * the gate suppresses and how many addressed-like ones it wrongly suppresses.
 * Uses the offline local embedder: similarity is lexical (shared words), not semantic.
 */
import { readFile } from "node:fs/promises";
import { readConfig } from "../src/config/read-config.ts";
import { createLocalEmbedder } from "../src/embeddings/local-embedder.ts";
import { measureGate, type CandidateFinding, type PastFinding } from "./measure-gate.ts";

const fixture = JSON.parse(
  await readFile(new URL("../test/fixtures/memory/past-findings.json", import.meta.url), "utf8"),
) as { past: PastFinding[]; candidates: CandidateFinding[] };
const defaultThreshold = readConfig({ NODE_ENV: "test" }).memory.gateThreshold;
const sweep = process.argv.slice(2).map(Number);
const thresholds = [
  defaultThreshold,
  ...(sweep.length > 0 ? sweep : [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]),
];
const embedder = createLocalEmbedder();
const results = await measureGate(embedder, fixture.past, fixture.candidates, thresholds);
const counts = (verdict: string) => fixture.past.filter((p) => p.verdict === verdict).length;

console.log(
  `memory gate, ${embedder.model}: ${fixture.past.length} past findings (${counts("addressed")} addressed, ${counts("rejected")} rejected with a reason, ${counts("ignored")} ignored), ${fixture.candidates.length} new candidates`,
);
const [atDefault, ...rest] = results;
const line = (r: (typeof results)[number]) =>
  `rejected-like suppressed ${r.rejectedLike.suppressed}/${r.rejectedLike.total}, addressed-like wrongly suppressed ${r.addressedLike.suppressed}/${r.addressedLike.total}`;
console.log(`default threshold ${atDefault!.threshold}: ${line(atDefault!)}`);
if (atDefault!.missed.length > 0)
  console.log(`  rejected-like kept: ${atDefault!.missed.join(", ")}`);
if (atDefault!.wronglySuppressed.length > 0)
  console.log(`  addressed-like suppressed: ${atDefault!.wronglySuppressed.join(", ")}`);
console.log("sweep:");
for (const r of rest) console.log(`  threshold ${r.threshold.toFixed(2)}: ${line(r)}`);
