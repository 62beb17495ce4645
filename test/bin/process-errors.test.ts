import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs one of Revue's entry points as a user would, in an empty directory (no .env). */
function runBin(script: string, env: Record<string, string>, timeoutMs = 20_000) {
  const cwd = mkdtempSync(path.join(tmpdir(), "revue-bin-"));
  return new Promise<{ code: number | null; output: string; ms: number }>((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [path.join(root, script)], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("entry points on bad configuration", () => {
  it("npm start in production without credentials exits non-zero naming the variables", async () => {
    const result = await runBin("src/bin/start.ts", { NODE_ENV: "production" });
    expect(result.code).toBe(1);
    expect(result.output).toContain("APP_ID");
    expect(result.output).toContain("PRIVATE_KEY");
    expect(result.output).toContain("WEBHOOK_SECRET");
    expect(result.output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it("a malformed variable exits non-zero naming it", async () => {
    const result = await runBin("src/bin/migrate.ts", { PORT: "not-a-port" });
    expect(result.code).toBe(1);
    expect(result.output).toContain("PORT");
  });

  it("an unreachable DATABASE_URL fails within seconds with a clear error", async () => {
    const port = await closedPort();
    const result = await runBin("src/bin/migrate.ts", {
      DATABASE_URL: `postgres://revue:secret-password@127.0.0.1:${port}/revue`,
      DATABASE_CONNECT_TIMEOUT_MS: "2000",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain("Cannot connect to DATABASE_URL");
    expect(result.output).toContain("unset DATABASE_URL to use the embedded database");
    expect(result.output).not.toContain("secret-password");
    expect(result.ms).toBeLessThan(15_000);
  });

  it("a server that does not answer at all fails within the connect timeout", async () => {
    // A listener that accepts and never speaks: the connection hangs without a timeout.
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const result = await runBin("src/bin/migrate.ts", {
        DATABASE_URL: `postgres://revue@127.0.0.1:${port}/revue`,
        DATABASE_CONNECT_TIMEOUT_MS: "1500",
      });
      expect(result.code).toBe(1);
      expect(result.output).toContain("Cannot connect to DATABASE_URL");
      expect(result.ms).toBeLessThan(15_000);
    } finally {
      server.close();
    }
  });
});
