import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // PGlite and the real server share two cores; a few files at once is faster than many.
    maxWorkers: 2,
  },
});
