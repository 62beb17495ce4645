import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The version of the installed package `name` (as resolved from here), or "unknown" when its
 * package.json cannot be found. Never throws: it only goes into cache keys, where "unknown" makes
 * a key of its own.
 */
export function installedVersion(name: string): string {
  let dir: string;
  try {
    dir = dirname(fileURLToPath(import.meta.resolve(name)));
  } catch {
    return "unknown";
  }
  // Packages need not export their package.json; it sits above their entry point's folder.
  for (let depth = 0; depth < 4; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      // Not here: look one folder up.
    }
    dir = dirname(dir);
  }
  return "unknown";
}
