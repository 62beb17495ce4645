import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where a new embedded data directory is copied from instead of running initdb (4 to 7 s on a
 * 2-core machine, against under 1 s to unpack). The archive is PGlite's own `dumpDataDir` of a
 * freshly initialised cluster, before any of Revue's tables: migrations still run on the copy, so
 * one template serves every version of Revue built on the same PGlite and pgvector. Its name holds
 * both packages' versions, so upgrading either makes a new template rather than loading an old one.
 */
export function pgliteTemplatePath(cacheDir: string): string {
  const versions = ["@electric-sql/pglite", "@electric-sql/pglite-pgvector"]
    .map((name) => `${name}@${installedVersion(name)}`)
    .join(" ");
  const key = createHash("sha256").update(versions).digest("hex").slice(0, 16);
  return join(cacheDir, `pglite-template-${key}.tar.gz`);
}

/** The template's bytes, or undefined when there is none (or it cannot be read). */
export function readPgliteTemplate(path: string): Blob | undefined {
  try {
    return new Blob([readFileSync(path)]);
  } catch {
    return undefined;
  }
}

/**
 * Stores a template atomically (a reader never sees half an archive): written beside its final
 * name, then renamed over it. Throws when the cache directory cannot be written.
 */
export function writePgliteTemplate(path: string, archive: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.${randomBytes(6).toString("hex")}.partial`;
  try {
    writeFileSync(partial, archive, { mode: 0o600 });
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** Removes a template that failed to load, so the next start makes a good one. */
export function discardPgliteTemplate(path: string): void {
  rmSync(path, { force: true });
}

function installedVersion(name: string): string {
  // The packages do not export their package.json; it sits above their entry point's folder.
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
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
