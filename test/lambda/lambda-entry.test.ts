import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { testPrivateKey } from "../helpers/test-keys.ts";
import { REPO_ROOT } from "../setup/revue-process.ts";

const run = promisify(execFile);

/**
 * The file template.yaml points the Lambda runtime at, loaded by plain Node (not the test
 * runner's transform), as the nodejs24.x runtime loads it.
 */
describe("Lambda entry point src/lambda/index.mjs", () => {
  it("loads under plain Node and refuses to run on the embedded database, saying what to set", async () => {
    const script = `
      const m = await import("./src/lambda/index.mjs");
      const event = { version: "2.0", rawPath: "/", headers: {}, body: "", isBase64Encoded: false,
        requestContext: { http: { method: "POST", path: "/" } } };
      console.log(JSON.stringify({ exports: Object.keys(m).sort(), result: await m.webhookHandler(event, {}) }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", APP_ID: "1" },
    });
    const { exports, result } = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(exports).toEqual(["webhookHandler", "workerHandler"]);
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body).error).toMatch(/PRIVATE_KEY|DATABASE_URL/);
  });

  it("names DATABASE_URL when the App credentials are there but the database is not", async () => {
    const script = `
      const m = await import("./src/lambda/index.mjs");
      const event = { httpMethod: "POST", path: "/", headers: {}, body: "", isBase64Encoded: false };
      console.log(JSON.stringify(await m.webhookHandler(event, {})));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        APP_ID: "1",
        // A real key: configuration rejects one that is not (that would be the error reported).
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: "secret",
      },
    });
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body).error).toMatch(/^AWS Lambda needs DATABASE_URL/);
  });
});
