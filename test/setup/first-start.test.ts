import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { browserUrl } from "../../src/setup/start-setup-server.ts";
import { freePort } from "../helpers/spawn-revue.ts";
import { testPrivateKey } from "../helpers/test-keys.ts";
import { runRevue, type RevueProcess } from "./revue-process.ts";

/** What a person sees on a first `npm start`, from the real process in an empty directory. */
describe("the first start, as a new user sees it", () => {
  let running: RevueProcess | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  const fresh = () => mkdtempSync(path.join(tmpdir(), "revue-first-"));
  /** `npm start` with App credentials (no model key) in a new directory, on a free port. */
  const startWithApp = async (logLevel = "info") => {
    const dir = fresh();
    return runRevue("start.ts", {
      cwd: dir,
      env: {
        HOST: "127.0.0.1",
        // Not "0": Probot reads it as its default, 3000, which other tests use too.
        PORT: String(await freePort()),
        LOG_LEVEL: logLevel,
        APP_ID: "1",
        PRIVATE_KEY: testPrivateKey(),
        WEBHOOK_SECRET: "a-secret-for-this-test",
        REVUE_DATA_DIR: path.join(dir, "data"),
      },
    });
  };

  it("names the address to open, answers /health and /ready in setup mode, and logs no line per page", async () => {
    running = runRevue("start.ts", {
      cwd: fresh(),
      env: {
        HOST: "0.0.0.0",
        PORT: String(await freePort()),
        NO_SMEE_SETUP: "true",
        LOG_LEVEL: "info",
      },
    });
    const port = await running.waitForPort();
    await running.waitFor(
      (l) =>
        l.msg ===
        `open http://localhost:${port} in a browser to create the GitHub App (setup mode)`,
    );
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", mode: "setup" });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: "setup",
      reason: `the GitHub App does not exist yet: open http://localhost:${port} to create it, then restart Revue`,
    });
    expect((await fetch(`${base}/probot`)).status).toBe(200);

    expect(await running.stop()).toBe(0);
    expect(running.lines.filter((l) => l.name === "http")).toEqual([]);
  });

  it("warns at start when there is no model key, says where webhooks go, and frees the start's garbage", async () => {
    running = await startWithApp("debug");
    const port = await running.waitForPort(60_000);
    await running.waitFor((l) => String(l.msg).startsWith("ANTHROPIC_API_KEY is not set"), 60_000);
    await running.waitFor(
      (l) =>
        l.msg ===
        `Revue is up: webhooks at http://127.0.0.1:${port}/ (and /api/github/webhooks), health at /health and /ready`,
      60_000,
    );
    // An idle server just started holds its start's garbage for minutes otherwise (issue 13).
    const collected = await running.waitFor(
      (l) => String(l.msg).startsWith("the start's garbage collected"),
      60_000,
    );
    const [, before, after] = /heap ([\d.]+) → ([\d.]+) MiB/.exec(String(collected.msg))!;
    expect(Number(after)).toBeLessThan(Number(before));
  }, 90_000);

  it("drains and exits 0 on a SIGTERM that comes while the database is still being opened", async () => {
    running = await startWithApp();
    // The server listens before the new embedded database exists (seconds): a SIGTERM now is an
    // operator stopping a start, and must not kill the process with the signal's default action.
    await running.waitFor((l) => String(l.msg).includes("opening the database"), 60_000);
    expect(running.lines.some((l) => String(l.msg).startsWith("Revue is up"))).toBe(false);
    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain("received SIGTERM: draining");
    expect(running.lines.some((l) => l.msg === "stopped")).toBe(true);
  }, 90_000);

  it("shows a browser's address for a server on every interface", () => {
    expect(browserUrl("0.0.0.0", 3000)).toBe("http://localhost:3000");
    expect(browserUrl("::", 3000)).toBe("http://localhost:3000");
    expect(browserUrl("127.0.0.1", 8080)).toBe("http://127.0.0.1:8080");
    expect(browserUrl("::1", 8080)).toBe("http://[::1]:8080");
  });
});
