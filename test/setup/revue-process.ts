import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { unreachableGitHub } from "../helpers/spawn-revue.ts";

/** The repository root, where src/bin lives. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

export type RevueProcess = {
  child: ChildProcess;
  /** Every JSON log line so far (non-JSON output is kept as `{ text }`). */
  lines: Record<string, unknown>[];
  /** Resolves with the first line (already seen or coming) that matches, or rejects on timeout/exit. */
  waitFor(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** The port from Probot's "Listening on http://host:port" line. */
  waitForPort(timeoutMs?: number): Promise<number>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
  output(): string;
};

/**
 * Runs `node src/bin/<script>` (the exact command of `npm start`, `npm run worker`,
 * `npm run migrate` and the Docker image) in `cwd` with exactly `env` plus PATH and HOME.
 */
export function runRevue(
  script: string,
  options: { cwd: string; env: Record<string, string>; args?: string[] },
): RevueProcess {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, "src/bin", script), ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? options.cwd,
        ...unreachableGitHub(options.env),
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const waiters = new Set<() => void>();
  const onText = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    raw.push(text);
    for (const line of text.split("\n").filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ text: line });
      }
    }
    for (const wake of waiters) wake();
  };
  const buffered = { out: "", err: "" };
  child.stdout!.on("data", (chunk: Buffer) => {
    // Split on whole lines only.
    buffered.out += chunk.toString("utf8");
    const end = buffered.out.lastIndexOf("\n");
    if (end >= 0) {
      onText(Buffer.from(buffered.out.slice(0, end + 1)));
      buffered.out = buffered.out.slice(end + 1);
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    buffered.err += chunk.toString("utf8");
    const end = buffered.err.lastIndexOf("\n");
    if (end >= 0) {
      onText(Buffer.from(buffered.err.slice(0, end + 1)));
      buffered.err = buffered.err.slice(end + 1);
    }
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => {
      for (const wake of waiters) wake();
      resolve(code);
    });
  });
  const output = () => raw.join("") + buffered.out + buffered.err;

  const waitFor: RevueProcess["waitFor"] = (match, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out; output so far:\n${output()}`));
      }, timeoutMs);
      const check = () => {
        const found = lines.find(match);
        if (found) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`process exited with ${child.exitCode}; output:\n${output()}`));
        }
      };
      waiters.add(check);
      check();
    });

  return {
    child,
    lines,
    waitFor,
    waitForPort: async (timeoutMs) => {
      const line = await waitFor(
        (l) => typeof l.msg === "string" && /^Listening on http:\/\/.+:\d+$/.test(l.msg),
        timeoutMs,
      );
      return Number(/:(\d+)$/.exec(line.msg as string)![1]);
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
    exited,
    output,
  };
}
