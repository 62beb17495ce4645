import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript module (it must load on any Node), without types.
import { mallocTuningEnvironment, nodeVersionProblem } from "../../src/bin/revue.mjs";
import { freePort } from "../helpers/spawn-revue.ts";
import { runRevue, type RevueProcess } from "../setup/revue-process.ts";

const root = path.resolve(import.meta.dirname, "../..");
const launcher = path.join(root, "src/bin/revue.mjs");

/** Runs the npm scripts' launcher with `node`, in an empty directory. */
function launch(node: string, args: string[]) {
  const cwd = mkdtempSync(path.join(tmpdir(), "revue-launch-"));
  const result = spawnSync(node, [launcher, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the npm scripts' launcher (src/bin/revue.mjs)", () => {
  it("accepts Node 22.20 and newer, and says what to do on anything older", () => {
    expect(nodeVersionProblem("22.20.0")).toBeNull();
    expect(nodeVersionProblem("22.21.1")).toBeNull();
    expect(nodeVersionProblem("23.0.0")).toBeNull();
    expect(nodeVersionProblem("24.21.0")).toBeNull();
    expect(nodeVersionProblem("22.19.9")).toContain(
      "needs Node.js 22.20.0 or newer; this is 22.19.9",
    );
    expect(nodeVersionProblem("20.20.2")).toContain("nvm install 24");
    expect(nodeVersionProblem("18.0.0")).not.toBeNull();
  });

  it("runs the command it is given with the command's own arguments", () => {
    const migrate = launch(process.execPath, ["migrate", "sideways"]);
    expect(migrate).toEqual({
      code: 2,
      output: 'usage: npm run migrate [-- up|down|down-all] (got "sideways")\n',
    });
    const unknown = launch(process.execPath, ["serve"]);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain("usage: node src/bin/revue.mjs start|worker|migrate");
  });

  // Debian 12's own Node (v20) is what a new user on this machine type has: it must get the message.
  const systemNode = "/usr/bin/node";
  const systemVersion = existsSync(systemNode)
    ? execFileSync(systemNode, ["--version"], { encoding: "utf8" }).trim().slice(1)
    : null;
  it.runIf(systemVersion !== null && nodeVersionProblem(systemVersion) !== null)(
    "on the system's older Node, stops with that message instead of a TypeScript loading error",
    () => {
      const result = launch(systemNode, ["start"]);
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        `Revue needs Node.js 22.20.0 or newer; this is ${systemVersion}`,
      );
      expect(result.output).not.toContain("ERR_UNKNOWN_FILE_EXTENSION");
    },
  );
});

describe("the launcher's malloc tuning (src/bin/revue.mjs)", () => {
  let running: RevueProcess | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it("sets glibc's mmap threshold to 32 MiB, unless the environment tunes malloc itself", () => {
    expect(mallocTuningEnvironment({ PATH: "/bin" })).toEqual({
      PATH: "/bin",
      MALLOC_MMAP_THRESHOLD_: "33554432",
    });
    expect(mallocTuningEnvironment({ MALLOC_MMAP_THRESHOLD_: "65536" })).toBeNull();
    expect(mallocTuningEnvironment({ MALLOC_TRIM_THRESHOLD_: "131072" })).toBeNull();
    expect(mallocTuningEnvironment({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" })).toBeNull();
  });

  /** The environment of the server `npm start` runs, read from /proc once it listens. */
  async function startedEnvironment(env: Record<string, string>) {
    running = runRevue("revue.mjs", {
      cwd: mkdtempSync(path.join(tmpdir(), "revue-launch-")),
      args: ["start"],
      env: {
        HOST: "127.0.0.1",
        // Not 0: Probot reads it as unset, and 3000 may be taken.
        PORT: String(await freePort()),
        NO_SMEE_SETUP: "true",
        LOG_LEVEL: "info",
        ...env,
      },
    });
    await running.waitForPort();
    const pid = running.child.pid!;
    const variables = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(1, -1);
    return { variables, commandLine };
  }

  it.runIf(process.platform === "linux")(
    "runs `start` again in the same process with it, and keeps an operator's own setting",
    async () => {
      const tuned = await startedEnvironment({});
      expect(tuned.variables).toContain("MALLOC_MMAP_THRESHOLD_=33554432");
      expect(tuned.commandLine).toEqual([launcher, "start"]);
      expect(await running!.stop()).toBe(0);

      const operators = await startedEnvironment({ MALLOC_MMAP_THRESHOLD_: "65536" });
      expect(operators.variables).toContain("MALLOC_MMAP_THRESHOLD_=65536");
      expect(operators.variables).not.toContain("MALLOC_MMAP_THRESHOLD_=33554432");
    },
  );
});
