import path from "node:path";

/**
 * Revue's cache directory: REVUE_CACHE_DIR (relative to `cwd`), else the user's cache directory
 * (XDG_CACHE_HOME, or ~/.cache) under "revue"; undefined when it is "off" or there is no home to
 * put it in. It holds what can be made again at a cost: the embedded database's template and
 * Node's compiled code. Its own module, with no dependencies, so that the launcher can find it
 * before anything else is loaded (src/bin/enable-compile-cache.ts).
 */
export function cacheDirectory(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const value = env.REVUE_CACHE_DIR;
  if (value === "off") return undefined;
  if (value) return path.resolve(cwd, value);
  const base = env.XDG_CACHE_HOME || (env.HOME ? path.join(env.HOME, ".cache") : undefined);
  return base ? path.join(base, "revue") : undefined;
}
