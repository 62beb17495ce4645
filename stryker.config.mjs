// @ts-check
/**
 * Mutation testing (`npm run test:mutation`; not part of `npm test`): Stryker changes one thing at
 * a time in the code below (a `<` to `<=`, a condition to `true`, a string to "") and runs the tests
 * that cover it; a change no test notices ("survived") is a promise nothing checks.
 *
 * Scoped to the code where an unnoticed change costs trust, not coverage of everything:
 * who may talk to Revue (webhook signature, write permission) and teach it (team memory's trust
 * rule), where comments land (anchoring), what is posted twice or never (fingerprints, the dedupe
 * of known findings, posting the review), what leaks (secret redaction, sanitising, outgoing text)
 * and whose code is read (tenant filters of the code index).
 *
 * Kept fast for two cores: per-test coverage runs only the tests that reach a mutant, Vitest's
 * related mode only the test files that import a mutated file, and the incremental file
 * (reports/, ignored by git) re-tests only mutants whose code or tests changed since the last run.
 * One file at a time: `npx stryker run --mutate src/review/fingerprint.ts`; with chosen tests (its
 * unit tests and the flow tests fast enough to run per mutant):
 * `STRYKER_TEST_FILES=test/review/fingerprint.test.ts,... npx stryker run --mutate ...`
 * (stryker.vitest.config.ts). Not `--testFiles`: with it, Stryker 10.1 activates a static mutant
 * (a module-level value, such as the token patterns of scan-secrets.ts) after the module has
 * loaded and reports it survived whatever the tests do (stryker-js#6144).
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  // Forks, Vitest's default and what `npm test` uses (the runner's default is threads); the
  // config leaves out the tests that run Revue in a child process, where no mutant is active.
  vitest: { configFile: "stryker.vitest.config.ts", related: true, pool: "forks" },
  coverageAnalysis: "perTest",
  mutate: [
    // The webhook signature check (and the 400/405/413 checks before it) of the Lambda entry,
    // and the long-running server's gate: its size limit, and the signature check behind which
    // it hands deliveries to the handlers.
    "src/lambda/webhook-function.ts",
    "src/app/guard-webhook-requests.ts",
    // The one write-permission check behind `@revue review` and memory commands.
    "src/github/has-write-access.ts",
    // Webhook intake: a 2xx only for a delivery stored with its jobs, and a redelivery queues
    // nothing, whether a batch is one statement or a transaction.
    "src/handlers/record-and-enqueue-batch.ts",
    "src/queue/capture-job-insert.ts",
    "src/queue/create-enqueue-functions.ts",
    // Who may teach team memory (write access, or the pull request's author on their own pull
    // request), which votes count, and which signals the memory gate trusts repository-wide.
    "src/memory/teacher-standing.ts",
    "src/memory/collect-reactions.ts",
    "src/memory/decide-gate.ts",
    "src/review/anchor-findings.ts",
    "src/review/fingerprint.ts",
    // The dedupe of known findings, as its own step of the review.
    "src/review/**/dedupe-known-findings.ts",
    "src/review/post-review.ts",
    "src/safety/**/*.ts",
    "src/code-index/search-code-index.ts",
    // The code graph and the recorded imports read by the review's context: the same tenant filters.
    "src/code-index/read-file-graph.ts",
    "src/code-index/search-imports.ts",
  ],
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 75, break: null },
  concurrency: 2,
  // A busy two-core machine is slow; a mutant is a timeout only when it is far slower. The first,
  // unmutated run covers every related test file: for a file the review imports, most of the
  // integration suite, with coverage on.
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 20,
  tempDirName: ".stryker-tmp",
  // Local state and outputs; .ci/.node is a symlinked Node install the sandbox cannot copy.
  ignorePatterns: [".revue-data", ".aws-sam", "coverage", "reports", ".ci/.node"],
};
