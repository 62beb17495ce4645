import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A test whose fake of GitHub saw a request GitHub would refuse fails (see the file).
    setupFiles: ["test/helpers/fail-on-github-violations.ts"],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // PGlite and the real server share two cores; a few files at once is faster than many.
    maxWorkers: 2,
  },
});
