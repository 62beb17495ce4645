// Pipeline overhead: milliseconds from job start to review posted, with GitHub and the model
// faked to answer at once, for a PR of 40 files and 2,000 changed lines. The code index and team
// memory run as configured by default (local embedder). Run: node bench/pipeline-overhead.ts [runs]
import nock from "nock";
import { pino } from "pino";
import { createReviewJobHandler } from "../src/review/review-job-handler.ts";
import type { ModelReview } from "../src/review/review-output.ts";
import type { ReviewModel } from "../src/review/review-model.ts";
import { FakeGitHub } from "../test/helpers/fake-github.ts";
import { createHarness } from "../test/helpers/revue-harness.ts";
import { pullRequestOpened } from "../test/helpers/fixtures.ts";
import { ms, percentile, report } from "./lib.ts";

const runs = Number(process.argv[2] ?? 30);
const FILES = 40;
const LINES_PER_FILE = 50;

function patchFor(file: number): string {
  const lines = ["@@ -1,3 +1,53 @@", " // header", " import { db } from './db';", " "];
  for (let i = 0; i < LINES_PER_FILE; i += 1)
    lines.push(
      `+export function handler${file}_${i}(input) { return db.query('select ${i}', [input]); }`,
    );
  return lines.join("\n");
}

const files = Array.from({ length: FILES }, (_, i) => ({
  filename: `src/service-${i}.js`,
  status: "modified",
  additions: LINES_PER_FILE,
  deletions: 0,
  changes: LINES_PER_FILE,
  patch: patchFor(i),
}));

// Five findings spread over the files, as a real review might return.
const review: ModelReview = {
  summary: {
    walkthrough: "Adds handlers.",
    files: files.map((f) => ({ path: f.filename, summary: "Adds handlers." })),
    risk: "medium",
    riskReason: "SQL.",
  },
  findings: Array.from({ length: 5 }, (_, i) => ({
    path: `src/service-${i * 7}.js`,
    side: "RIGHT" as const,
    line: 10,
    startLine: null,
    severity: "major" as const,
    category: "security" as const,
    confidence: "high" as const,
    title: `Unvalidated input ${i}`,
    explanation: "Validate `input` before the query.",
    quotedCode: `export function handler${i * 7}_6(input) { return db.query('select 6', [input]); }`,
    replacement: null,
  })),
};
const instantModel: ReviewModel = {
  id: "instant",
  review: async () => ({
    review,
    usage: { inputTokens: 20_000, outputTokens: 900, cacheReadTokens: 0, cacheWriteTokens: 0 },
    calls: 1,
  }),
};

nock.disableNetConnect();
nock.enableNetConnect("127.0.0.1");
const harness = await createHarness("pglite");
const github = new FakeGitHub();
github.install();
const log = pino({ level: "silent" });
const handle = createReviewJobHandler({
  config: harness.config,
  db: harness.db.db,
  probot: harness.probot,
  model: instantModel,
});

const durations: number[] = [];
for (let i = 0; i < runs + 2; i += 1) {
  const number = 100 + i;
  const pr = pullRequestOpened().pull_request;
  pr.number = number;
  github.pulls.set(number, pr);
  github.files.set(number, files);
  const started = performance.now();
  await handle(
    {
      installationId: 1,
      repositoryId: 186853002,
      owner: "Codertocat",
      repo: "Hello-World",
      pullNumber: number,
      trigger: "opened",
      mode: "full",
      deliveryId: `bench-${i}`,
      headSha: pr.head.sha,
    },
    { log, jobId: `bench-job-${i}`, retryCount: 0, signal: new AbortController().signal },
  );
  if (i >= 2) durations.push(performance.now() - started); // two warm-up runs
}
const posted = github.reviews.filter((r) => r.state === "COMMENTED").length;
console.log(
  `pipeline overhead (${runs} reviews of ${FILES} files / ${FILES * LINES_PER_FILE} changed lines; GitHub and model answer at once; PGlite)`,
);
report("job start to review posted, median", ms(percentile(durations, 50)));
report("job start to review posted, p95", ms(percentile(durations, 95)));
report("reviews posted", `${posted} (5 inline comments each)`);
await harness.close();
nock.cleanAll();

// Pools and pollers of the measured backends may keep the event loop alive.
process.exit(0);
