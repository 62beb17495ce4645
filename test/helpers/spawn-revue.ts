import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type SpawnedRevue = {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves when GET /ready answers 200 (rejects with the output on timeout or exit). */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
};

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A process with App credentials and no stand-in GitHub of its own would call api.github.com (its
 * workers list the App's deliveries at start): GitHub at a closed loopback port instead, so
 * nothing calls out and the call fails at once.
 */
export function unreachableGitHub(env: Record<string, string>): Record<string, string> {
  return env.APP_ID && !env.GHE_HOST ? { GHE_HOST: "127.0.0.1:9", GHE_PROTOCOL: "http" } : {};
}

/**
 * Starts Revue as the Docker image does (`node src/bin/start.ts`, or another entry point with its
 * `args`: `src/bin/revue.mjs` and `start` for exactly `npm start`), in its own working directory so
 * no developer `.env` leaks in, with only the given environment.
 */
export async function spawnRevue(
  env: Record<string, string>,
  options: { script?: string; args?: string[]; cwd?: string } = {},
): Promise<SpawnedRevue> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const cwd = options.cwd ?? mkdtempSync(path.join(tmpdir(), "revue-e2e-"));
  const script = path.join(ROOT, options.script ?? "src/bin/start.ts");
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? cwd,
      HOST: "127.0.0.1",
      PORT: String(port),
      REVUE_DATA_DIR: path.join(cwd, "data"),
      // New data directories come from a template cached here, never in the developer's ~/.cache.
      REVUE_CACHE_DIR: path.join(tmpdir(), "revue-test-cache"),
      LOG_LEVEL: "info",
      ...unreachableGitHub(env),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    output: () => output,
    ready: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => (done = true));
      while (Date.now() < deadline && !done) {
        try {
          const response = await fetch(`${url}/ready`);
          if (response.status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`Revue did not become ready:\n${output}`);
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
