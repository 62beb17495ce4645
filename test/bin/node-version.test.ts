import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript module (it must load on any Node), without types.
import { nodeVersionProblem } from "../../src/bin/revue.mjs";

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
