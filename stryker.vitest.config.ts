import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import base from "./vitest.config.ts";

/**
 * Quickest test files first (Vitest's own order, reversed: it runs the slowest first). Stryker
 * stops a mutant's run at the first failing test, so a mutant a unit test kills is not kept
 * waiting for the integration tests that also reach its code.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).reverse();
  }
}

/**
 * The test files to measure with (`STRYKER_TEST_FILES=a.test.ts,b.test.ts`), instead of every
 * related one: the unit tests of a file and the flow tests that are fast enough. Unlike Stryker's
 * `--testFiles`, this keeps static mutants (module-level values, such as a pattern) honest: they
 * run with the mutant active from the start (stryker-js#6144).
 */
const chosen = process.env.STRYKER_TEST_FILES?.split(",").filter(Boolean);

/**
 * Vitest as Stryker runs it (stryker.config.mjs): the project's config without the tests that run
 * Revue or a script in a child process. The child runs the sandbox's code without Stryker's active
 * mutant, so those tests never kill one; they only cost time and, listening on fixed ports, fail
 * when another test run on the machine holds the port.
 */
const config = mergeConfig(
  base,
  defineConfig({
    test: {
      // Instrumented code with per-test coverage, on a busy machine: set-up (PGlite, migrations)
      // takes longer than in `npm test`. Stryker times out a mutant by its own measure.
      testTimeout: 300_000,
      hookTimeout: 300_000,
      sequence: { sequencer: QuickestFirst },
      exclude: [
        ...configDefaults.exclude,
        "test/e2e/**",
        "test/setup/setup-flow.test.ts",
        "test/bin/process-errors.test.ts",
        "test/lambda/lambda-entry.test.ts",
      ],
    },
  }),
);

// After the merge, which would add these to the project's own include rather than replace it.
if (chosen) config.test!.include = chosen;

export default config;
