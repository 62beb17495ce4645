import { Writable } from "node:stream";
import type { PgBoss } from "pg-boss";
import { pino } from "pino";
import type { Probot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config/read-config.ts";
import { createJobHandlers } from "../../src/runtime/create-job-handlers.ts";
import { modulesLoaded } from "../helpers/modules-loaded.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

describe("createJobHandlers", () => {
  // An idle server runs no review, index or memory job: their modules (the review pipeline, the
  // syntax parsers, team memory) load with the first one.
  it("leaves the features' job modules out of the server's modules", () => {
    const loaded = modulesLoaded(`await import("./src/runtime/start-revue.ts");`);
    const sources = loaded.map((url) => url.split("/src/")[1]);
    expect(sources).toContain("runtime/create-job-handlers.ts");
    for (const feature of [
      "runtime/create-feature-job-handlers.ts",
      "review/review-job-handler.ts",
      "indexing/index-job-handler.ts",
      "memory/create-memory-workers.ts",
      "context/create-code-context-provider.ts",
    ]) {
      expect(sources).not.toContain(feature);
    }
    expect(loaded.filter((url) => url.includes("/node_modules/web-tree-sitter/"))).toEqual([]);
  });

  describe("a feature's job", () => {
    let handle: Awaited<ReturnType<typeof createTestDatabase>>;
    beforeEach(async () => {
      handle = await createTestDatabase("pglite");
    }, 180_000);
    afterEach(async () => {
      await handle.close();
    });

    it("loads the feature's handler at the first job and runs it", async () => {
      const lines: { msg: string }[] = [];
      const log = pino(
        { level: "info" },
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(JSON.parse(chunk.toString()) as { msg: string });
            done();
          },
        }),
      );
      const handlers = createJobHandlers({
        config: readConfig({}),
        db: handle.db,
        boss: {} as PgBoss, // the drop job uses no queue
        log,
        probot: {} as Probot, // nor GitHub
      });
      const context = { log, jobId: "job-1", retryCount: 0, signal: new AbortController().signal };
      const job = { installationId: 7, repositoryIds: null, deliveryId: "d-1" };
      await handlers["drop-code-index"](job, context);
      await handlers["drop-code-index"](job, context);
      expect(lines.map((line) => line.msg)).toEqual(["code index dropped", "code index dropped"]);
    });
  });
});
