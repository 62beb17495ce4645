import { existsSync, mkdirSync, readFileSync } from "node:fs";
import module from "node:module";
import path from "node:path";
import { parseEnv } from "node:util";
import { cacheDirectory } from "../config/cache-directory.ts";

/** Node's compiled code is kept in this folder of Revue's cache directory. */
export const COMPILED_CODE_FOLDER = "compiled-code";

/**
 * With the embedded database (no DATABASE_URL), turns on Node's module compile cache in
 * `<cache directory>/compiled-code` (made 0700), so that a start after the first reads the type-stripped sources and V8's compiled code of Revue and its
 * dependencies from there instead of stripping and compiling them again (most of what `node`
 * spends before Revue listens). The launcher calls it before it loads the command. The cache
 * directory is REVUE_CACHE_DIR from `env` or from `.env` in `cwd` (which the commands load later,
 * the environment winning as there). Node checks each entry against its source's hash and its
 * own version, so a stale entry is never used. Returns what it did, for a debug line; never
 * throws: a cache that is off, or cannot be made or written, only costs the speed.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv, cwd: string): string {
  try {
    const settings = { ...readDotEnv(cwd), ...env };
    // Measured with bench/idle-memory.ts: on PostgreSQL the cache made no start faster and held
    // 5 MiB more of an idle server's memory (139 against 134 MiB); the embedded database's start,
    // a new user's first, is where it pays.
    if (settings.DATABASE_URL) return "compile cache off (DATABASE_URL is set)";
    const base = cacheDirectory(settings, cwd);
    if (!base) return "compile cache off (REVUE_CACHE_DIR=off, or no home directory)";
    const dir = path.join(base, COMPILED_CODE_FOLDER);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { status, message } = module.enableCompileCache(dir);
    const { FAILED, ENABLED, ALREADY_ENABLED } = module.constants.compileCacheStatus;
    if (status === FAILED) return `compile cache off: ${message ?? "Node could not enable it"}`;
    if (status === ENABLED || status === ALREADY_ENABLED) return `compile cache in ${dir}`;
    return `compile cache off (NODE_DISABLE_COMPILE_CACHE)`;
  } catch (error) {
    return `compile cache off: ${(error as Error).message}`;
  }
}

/** Writes the compiled code gathered so far (also written at exit; this survives a kill). */
export function flushCompileCache(): void {
  try {
    module.flushCompileCache();
  } catch {
    // Only a later start's speed depends on it.
  }
}

function readDotEnv(cwd: string): NodeJS.ProcessEnv {
  const file = path.join(cwd, ".env");
  return existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
}
