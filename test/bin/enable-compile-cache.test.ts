import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const launcher = path.resolve(import.meta.dirname, "../../src/bin/revue.mjs");

/**
 * Runs `revue migrate sideways` in an empty directory: a command that loads the configuration and
 * database modules, then exits at once with its usage (status 2).
 */
function launch(env: Record<string, string>, cwd = mkdtempSync(path.join(tmpdir(), "revue-cc-"))) {
  const result = spawnSync(process.execPath, [launcher, "migrate", "sideways"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { cwd, code: result.status, output: `${result.stdout}${result.stderr}` };
}

const filesUnder = (dir: string) =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((name) =>
    statSync(path.join(dir, name)).isFile(),
  );

describe("Node's compile cache, turned on by the launcher", () => {
  it("keeps the compiled code in <cache>/compiled-code, a folder only its owner can enter", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "revue-cc-"));
    const { code } = launch({ REVUE_CACHE_DIR: "cache" }, cwd);
    expect(code).toBe(2);
    const dir = path.join(cwd, "cache", "compiled-code");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(filesUnder(dir).length).toBeGreaterThan(10);
  });

  it("writes nothing when REVUE_CACHE_DIR is off", () => {
    const { cwd, code } = launch({ REVUE_CACHE_DIR: "off" });
    expect(code).toBe(2);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("writes nothing for a server on PostgreSQL (DATABASE_URL in the environment or .env)", () => {
    const { cwd, code } = launch({
      REVUE_CACHE_DIR: "cache",
      DATABASE_URL: "postgres://nobody@127.0.0.1:9/none",
    });
    expect(code).toBe(2);
    expect(existsSync(path.join(cwd, "cache"))).toBe(false);

    const dotenv = mkdtempSync(path.join(tmpdir(), "revue-cc-"));
    writeFileSync(path.join(dotenv, ".env"), "DATABASE_URL=postgres://nobody@127.0.0.1:9/none\n");
    launch({ REVUE_CACHE_DIR: "cache" }, dotenv);
    expect(existsSync(path.join(dotenv, "cache"))).toBe(false);
  });

  it("finds the cache directory in .env, as the commands do, and under ~/.cache without one", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "revue-cc-"));
    writeFileSync(path.join(cwd, ".env"), "REVUE_CACHE_DIR=from-dotenv\n");
    launch({}, cwd);
    expect(filesUnder(path.join(cwd, "from-dotenv", "compiled-code")).length).toBeGreaterThan(10);

    const home = launch({});
    expect(existsSync(path.join(home.cwd, ".cache", "revue", "compiled-code"))).toBe(true);
  });

  it("runs the command all the same when the cache cannot be made, and says why at debug", () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "revue-cc-"));
    writeFileSync(path.join(cwd, "a-file"), "");
    const quiet = launch({ REVUE_CACHE_DIR: "a-file/cache" }, cwd);
    expect(quiet).toMatchObject({
      code: 2,
      output: expect.stringMatching(/^usage: npm run migrate/),
    });
    const debug = launch({ REVUE_CACHE_DIR: "a-file/cache", LOG_LEVEL: "debug" }, cwd);
    expect(debug.code).toBe(2);
    expect(debug.output).toContain("revue: compile cache off: ENOTDIR");
    expect(debug.output).toContain("usage: npm run migrate");
  });
});
